package io.cachepipe.api;

import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The API's own settings.
 *
 * @param busyWait how long a reader waits for another reader's fill of the same key before it
 *                 reads PostgreSQL itself (never a stampede: at most one fill per key runs)
 * @param nearCache the in-process cache in front of Redis, kept coherent by the invalidator's messages
 * @param nearCacheTtl a bound on any near-cache entry's life, whatever the messages say
 */
public record ApiConfig(String host, int port, Duration busyWait, boolean nearCache, int nearCacheSize, Duration nearCacheTtl,
                        Duration readYourWritesWait) {
    public static final Setting<String> HOST = Setting.optional("api.host", "0.0.0.0", Parsers.nonBlank(),
            "address the HTTP API listens on");
    public static final Setting<Integer> PORT = Setting.optional("api.port", "8080", Parsers.port(),
            "port of the HTTP API (0 picks a free port)");
    public static final Setting<Duration> BUSY_WAIT = Setting.optional("api.busy-wait", "100ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(10)), "wait for another reader's fill before reading PostgreSQL");

    public static final Setting<Boolean> NEAR_CACHE = Setting.optional("api.near-cache", "true", Parsers.bool(),
            "in-process cache (L1) in front of Redis, coherent through the invalidator's messages");
    public static final Setting<Integer> NEAR_CACHE_SIZE = Setting.optional("api.near-cache-size", "10000",
            Parsers.integer(1, 10_000_000), "entries the near cache holds at most");
    public static final Setting<Duration> NEAR_CACHE_TTL = Setting.optional("api.near-cache-ttl", "30s",
            Parsers.duration(Duration.ofMillis(100), Duration.ofHours(1)), "longest life of a near-cache entry");

    public static final Setting<Duration> READ_YOUR_WRITES_WAIT = Setting.optional("api.read-your-writes-wait", "250ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(10)),
            "how long a read presenting X-Commit-LSN waits for the cache to apply it before reading PostgreSQL");

    public static ApiConfig read(Settings settings) {
        return new ApiConfig(settings.get(HOST), settings.get(PORT), settings.get(BUSY_WAIT), settings.get(NEAR_CACHE),
                settings.get(NEAR_CACHE_SIZE), settings.get(NEAR_CACHE_TTL), settings.get(READ_YOUR_WRITES_WAIT));
    }

    public static List<Setting<?>> settings() {
        return List.of(HOST, PORT, BUSY_WAIT, NEAR_CACHE, NEAR_CACHE_SIZE, NEAR_CACHE_TTL, READ_YOUR_WRITES_WAIT);
    }
}
