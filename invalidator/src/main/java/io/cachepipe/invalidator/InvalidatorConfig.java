package io.cachepipe.invalidator;

import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The invalidator's own settings.
 *
 * @param applicationId Kafka Streams application id; instances sharing it share the partitions
 * @param commitInterval how often processed positions are committed; a crash repeats at most this much
 *                       (every effect is idempotent, so repeating is harmless)
 * @param coalesceWindow warm requests for one key within this window become one reload; it adds at most
 *                       this much to commit-to-re-warmed latency. Zero sends every request at once.
 * @param rewarmInterval the least time between two re-warms of one key of a refresh view (with a coalescing
 *                       window): a key changed continually is reloaded this often at most, not once per change
 */
public record InvalidatorConfig(String applicationId, Duration commitInterval, Duration coalesceWindow, Duration rewarmInterval,
                                int threads, Path stateDir, int adminPort, boolean rowImages) {
    public static final Setting<String> APPLICATION_ID = Setting.optional("invalidator.application-id", "",
            Parsers.text(), "Kafka Streams application id (default <topic-prefix>-invalidator)");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.optional("invalidator.commit-interval", "1s",
            Parsers.duration(Duration.ofMillis(10), Duration.ofMinutes(5)), "Kafka Streams commit.interval.ms");
    public static final Setting<Duration> COALESCE_WINDOW = Setting.optional("invalidator.coalesce-window", "20ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(10)), "one warm request per key per window (0: no coalescing)");
    public static final Setting<Duration> REWARM_INTERVAL = Setting.optional("invalidator.rewarm-interval", "250ms",
            Parsers.duration(Duration.ZERO, Duration.ofSeconds(10)), "the least time between two re-warms of one key of a"
                    + " refresh view, whose readers are served the superseded value meanwhile: a key changed continually is reloaded"
                    + " this often at most (0: once per window; a commit sends what is held, so invalidator.commit-interval caps it)");
    public static final Setting<Integer> THREADS = Setting.optional("invalidator.threads", "3", Parsers.integer(1, 64),
            "stream threads in this instance: each parses and maps the changes of its partitions (up to one per change-topic"
                    + " partition, kafka.partitions); one applier sends their effects to Redis in batches");
    public static final Setting<String> STATE_DIR = Setting.optional("invalidator.state-dir",
            System.getProperty("java.io.tmpdir") + "/cachepipe-streams", Parsers.nonBlank(), "Kafka Streams state directory").asPath();
    public static final Setting<Integer> ADMIN_PORT = Setting.optional("invalidator.admin-port", "9402", Parsers.port(),
            "port of /metrics, /health/live, /health/ready and /version (0 picks a free port)");

    public static final Setting<Boolean> ROW_IMAGES = Setting.optional("invalidator.row-images", "true", Parsers.bool(),
            "write a changed row's new image straight into cached keys of plain row views instead of deleting them for a re-warm"
                    + " (needs postgres.* to describe the views at start-up)");

    public static InvalidatorConfig read(Settings settings, String topicPrefix) {
        Settings.Values values = settings.require(APPLICATION_ID, STATE_DIR, COMMIT_INTERVAL, COALESCE_WINDOW, REWARM_INTERVAL, THREADS,
                ADMIN_PORT, ROW_IMAGES);
        String id = values.get(APPLICATION_ID);
        return new InvalidatorConfig(id.isBlank() ? topicPrefix + "-invalidator" : id,
                values.get(COMMIT_INTERVAL), values.get(COALESCE_WINDOW), values.get(REWARM_INTERVAL), values.get(THREADS),
                Path.of(values.get(STATE_DIR)), values.get(ADMIN_PORT), values.get(ROW_IMAGES));
    }

    public static List<Setting<?>> settings() {
        return List.of(APPLICATION_ID, COMMIT_INTERVAL, COALESCE_WINDOW, REWARM_INTERVAL, THREADS, STATE_DIR, ADMIN_PORT, ROW_IMAGES);
    }
}
