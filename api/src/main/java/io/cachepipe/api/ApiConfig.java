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
 */
public record ApiConfig(String host, int port, Duration busyWait) {
    public static final Setting<String> HOST = Setting.optional("api.host", "0.0.0.0", Parsers.nonBlank(),
            "address the HTTP API listens on");
    public static final Setting<Integer> PORT = Setting.optional("api.port", "8080", Parsers.port(),
            "port of the HTTP API (0 picks a free port)");
    public static final Setting<Duration> BUSY_WAIT = Setting.optional("api.busy-wait", "100ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(10)), "wait for another reader's fill before reading PostgreSQL");

    public static ApiConfig read(Settings settings) {
        return new ApiConfig(settings.get(HOST), settings.get(PORT), settings.get(BUSY_WAIT));
    }

    public static List<Setting<?>> settings() {
        return List.of(HOST, PORT, BUSY_WAIT);
    }
}
