package io.cachepipe.warmer;

import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Setting;
import io.cachepipe.core.config.Settings;
import java.util.List;

/**
 * The warmer's own settings.
 *
 * @param groupId   consumer group; instances sharing it share the warm topic's partitions
 * @param loaders   database loads run in parallel by one instance (keep at or below postgres.pool-size)
 * @param batchSize most warm requests taken per poll; duplicates within a batch load once
 * @param keysPerQuery keys of one view loaded by one database query (and written by one Redis batch)
 */
public record WarmerConfig(String groupId, int loaders, int batchSize, int keysPerQuery, int adminPort) {
    public static final Setting<String> GROUP_ID = Setting.optional("warmer.group-id", "", Parsers.text(),
            "consumer group id (default <topic-prefix>-warmer)");
    public static final Setting<Integer> LOADERS = Setting.optional("warmer.loaders", "4", Parsers.integer(1, 256),
            "parallel database loads per instance");
    public static final Setting<Integer> BATCH_SIZE = Setting.optional("warmer.batch-size", "500", Parsers.integer(1, 10_000),
            "warm requests taken per poll");
    public static final Setting<Integer> KEYS_PER_QUERY = Setting.optional("warmer.keys-per-query", "100", Parsers.integer(1, 5_000),
            "keys of one view loaded by one database query and written by one Redis batch; 1 loads each key on its own");
    public static final Setting<Integer> ADMIN_PORT = Setting.optional("warmer.admin-port", "9403", Parsers.port(),
            "port of /metrics, /health/live, /health/ready and /version (0 picks a free port)");

    public static WarmerConfig read(Settings settings, String topicPrefix) {
        Settings.Values values = settings.require(GROUP_ID, LOADERS, BATCH_SIZE, KEYS_PER_QUERY, ADMIN_PORT);
        String group = values.get(GROUP_ID);
        return new WarmerConfig(group.isBlank() ? topicPrefix + "-warmer" : group,
                values.get(LOADERS), values.get(BATCH_SIZE), values.get(KEYS_PER_QUERY), values.get(ADMIN_PORT));
    }

    public static List<Setting<?>> settings() {
        return List.of(GROUP_ID, LOADERS, BATCH_SIZE, KEYS_PER_QUERY, ADMIN_PORT);
    }
}
