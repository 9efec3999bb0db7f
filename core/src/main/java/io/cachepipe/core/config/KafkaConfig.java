package io.cachepipe.core.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How to reach Kafka and how cachepipe names and sizes its topics.
 *
 * @param topicPrefix Debezium's {@code topic.prefix}: change topics are {@code <prefix>.<schema>.<table>}; the
 *                    pipeline's own topics are {@code <prefix>.warm}, {@code <prefix>.dead-letter} and
 *                    {@code <prefix>.cdc-offsets}, so two deployments can share a cluster
 */
public record KafkaConfig(String bootstrapServers, String topicPrefix, int partitions, short replicationFactor) {
    public static final Setting<String> BOOTSTRAP = Setting.required("kafka.bootstrap", Parsers.nonBlank(),
            "Kafka bootstrap servers, host:port[,host:port]");
    public static final Setting<String> TOPIC_PREFIX = Setting.optional("kafka.topic-prefix", "cachepipe",
            Parsers.nonBlank(), "prefix of every topic cachepipe writes (Debezium topic.prefix)");
    public static final Setting<Integer> PARTITIONS = Setting.optional("kafka.partitions", "3",
            Parsers.integer(1, 1000), "partitions of topics cachepipe creates; bounds how many instances share work");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.optional("kafka.replication-factor", "1",
            Parsers.integer(1, 10), "replication factor of topics cachepipe creates");

    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9_-]+");

    public KafkaConfig {
        new Problems()
                .check(PREFIX.matcher(topicPrefix).matches(), "kafka.topic-prefix = '" + topicPrefix
                        + "': use letters, digits, '_' and '-' only (it becomes part of topic names)")
                .throwIfAny();
    }

    public static KafkaConfig read(Settings settings) {
        Settings.Values values = settings.require(REPLICATION_FACTOR, BOOTSTRAP, TOPIC_PREFIX, PARTITIONS);
        return new KafkaConfig(values.get(BOOTSTRAP), values.get(TOPIC_PREFIX), values.get(PARTITIONS),
                values.get(REPLICATION_FACTOR).shortValue());
    }

    public static List<Setting<?>> settings() {
        return List.of(BOOTSTRAP, TOPIC_PREFIX, PARTITIONS, REPLICATION_FACTOR);
    }
}
