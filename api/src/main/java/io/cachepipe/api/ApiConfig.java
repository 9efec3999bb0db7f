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
 * @param nearCacheMaxMb a bound on the near cache's values, in MiB: entries are counted by their bytes
 * @param readYourWritesWait how long a read presenting a write's LSN waits for the cache to apply it
 * @param adminToken bearer token of the {@code /admin/*} routes; empty disables them
 * @param writeToken bearer token the declared write routes require; empty leaves them open (the demo)
 * @param maxBodyBytes largest request body read; a longer one is refused with 413 before it is parsed
 * @param maxStringLength longest string parameter (in characters) a request may give
 * @param hotKeys    how many hot keys the API tracks (space-saving sketch) and reports to {@code <ns>#hot}
 * @param hitRateTarget hit rate (percent) below which {@code /cache/summary} recommends action
 * @param slotLagAlarmMb replication slot lag (MiB) above which {@code /cache/summary} raises an alarm
 */
public record ApiConfig(String host, int port, Duration busyWait, boolean nearCache, int nearCacheSize, Duration nearCacheTtl,
                        int nearCacheMaxMb, Duration readYourWritesWait, String adminToken, String writeToken, int maxBodyBytes, int maxStringLength,
                        int hotKeys, int hitRateTarget, int slotLagAlarmMb) {
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
    public static final Setting<Integer> NEAR_CACHE_MAX_MB = Setting.optional("api.near-cache-max-mb", "64",
            Parsers.integer(1, 1_000_000), "MiB of values the near cache holds at most, whatever their size (an entry counts "
                    + "its bytes, and at least this over api.near-cache-size)");

    public static final Setting<Duration> READ_YOUR_WRITES_WAIT = Setting.optional("api.read-your-writes-wait", "250ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(10)),
            "how long a read presenting X-Commit-LSN waits for the cache to apply it before reading PostgreSQL");
    public static final Setting<String> ADMIN_TOKEN = Setting.optional("api.admin-token", "", ApiConfig::token,
            "bearer token of the /admin/* routes (warm, flush, hot keys, replay status); empty disables them").asSecret();
    public static final Setting<String> WRITE_TOKEN = Setting.optional("api.write-token", "", ApiConfig::token,
            "bearer token the declared write routes (POST/PUT/PATCH/DELETE) require; empty leaves writes open, as in the "
                    + "demo: set it wherever the API is reachable by anyone but trusted writers (docs/security.md)").asSecret();
    public static final Setting<Integer> MAX_BODY_BYTES = Setting.optional("api.max-body-bytes", "1048576",
            Parsers.integer(1024, 64 * 1024 * 1024), "largest request body read, in bytes; a longer one is refused with 413");
    public static final Setting<Integer> MAX_STRING_LENGTH = Setting.optional("api.max-string-length", "10000",
            Parsers.integer(1, 10_000_000), "longest string parameter a request may give, in characters; a longer one is a 400");
    public static final Setting<Integer> HOT_KEYS = Setting.optional("api.hot-keys", "1000", Parsers.integer(0, 1_000_000),
            "hot keys tracked per instance and kept in <namespace>#hot for `cachepipe warm --hot` (0: none)");
    public static final Setting<Integer> HIT_RATE_TARGET = Setting.optional("api.hit-rate-target", "80", Parsers.integer(0, 100),
            "hit rate in percent below which /cache/summary recommends action");
    public static final Setting<Integer> SLOT_LAG_ALARM_MB = Setting.optional("api.slot-lag-alarm-mb", "256",
            Parsers.integer(1, 1_000_000), "replication slot lag in MiB above which /cache/summary raises an alarm");

    /** Empty (turned off) or a token long enough not to be guessed. */
    private static String token(String text) {
        if (!text.isEmpty() && text.strip().length() < 16) {
            throw new IllegalArgumentException("too short: use at least 16 characters (e.g. openssl rand -hex 24), or leave it "
                    + "empty to turn it off");
        }
        return text.strip();
    }

    public static ApiConfig read(Settings settings) {
        Settings.Values values = settings.require(HOST, PORT, BUSY_WAIT, NEAR_CACHE, NEAR_CACHE_SIZE, NEAR_CACHE_TTL, NEAR_CACHE_MAX_MB,
                READ_YOUR_WRITES_WAIT, ADMIN_TOKEN, WRITE_TOKEN, MAX_BODY_BYTES, MAX_STRING_LENGTH, HOT_KEYS, HIT_RATE_TARGET,
                SLOT_LAG_ALARM_MB);
        return new ApiConfig(values.get(HOST), values.get(PORT), values.get(BUSY_WAIT), values.get(NEAR_CACHE),
                values.get(NEAR_CACHE_SIZE), values.get(NEAR_CACHE_TTL), values.get(NEAR_CACHE_MAX_MB), values.get(READ_YOUR_WRITES_WAIT),
                values.get(ADMIN_TOKEN), values.get(WRITE_TOKEN), values.get(MAX_BODY_BYTES), values.get(MAX_STRING_LENGTH),
                values.get(HOT_KEYS),
                values.get(HIT_RATE_TARGET), values.get(SLOT_LAG_ALARM_MB));
    }

    public static List<Setting<?>> settings() {
        return List.of(HOST, PORT, BUSY_WAIT, NEAR_CACHE, NEAR_CACHE_SIZE, NEAR_CACHE_TTL, NEAR_CACHE_MAX_MB, READ_YOUR_WRITES_WAIT, ADMIN_TOKEN,
                WRITE_TOKEN, MAX_BODY_BYTES, MAX_STRING_LENGTH, HOT_KEYS, HIT_RATE_TARGET, SLOT_LAG_ALARM_MB);
    }

    /** Never prints a token. */
    @Override
    public String toString() {
        return "ApiConfig[host=" + host + ", port=" + port + ", busyWait=" + busyWait + ", nearCache=" + nearCache
                + ", nearCacheSize=" + nearCacheSize + ", nearCacheTtl=" + nearCacheTtl + ", nearCacheMaxMb=" + nearCacheMaxMb + ", readYourWritesWait="
                + readYourWritesWait + ", adminToken="
                + ADMIN_TOKEN.mask(adminToken) + ", writeToken=" + WRITE_TOKEN.mask(writeToken) + ", maxBodyBytes=" + maxBodyBytes
                + ", maxStringLength=" + maxStringLength + ", hotKeys=" + hotKeys + ", hitRateTarget=" + hitRateTarget
                + ", slotLagAlarmMb=" + slotLagAlarmMb + "]";
    }
}
