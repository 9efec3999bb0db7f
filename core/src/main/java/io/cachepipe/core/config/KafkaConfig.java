package io.cachepipe.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to reach Kafka and how cachepipe names and sizes its topics.
 *
 * @param topicPrefix      Debezium's {@code topic.prefix}: change topics are {@code <prefix>.<schema>.<table>}; the
 *                         pipeline's own topics are {@code <prefix>.warm}, {@code <prefix>.dead-letter} and
 *                         {@code <prefix>.cdc-offsets}, so two deployments can share a cluster
 * @param clientProperties {@code kafka.properties.*}: Kafka client settings applied to every client cachepipe
 *                         makes (security.protocol, sasl.*, ssl.*, ...), Debezium's included
 */
public record KafkaConfig(String bootstrapServers, String topicPrefix, int partitions, short replicationFactor,
                          Map<String, String> clientProperties) {
    /** Prefix of the client settings handed to every Kafka client: {@code kafka.properties.security.protocol=SASL_SSL}. */
    public static final String CLIENT_PROPERTIES = Setting.passedOn("kafka.properties.");
    /** Client settings cachepipe sets itself, per client: a pass-through of one would break it. */
    static final Set<String> OWNED = Set.of("bootstrap.servers", "key.serializer", "value.serializer", "key.deserializer",
            "value.deserializer", "group.id", "application.id", "enable.auto.commit", "auto.offset.reset", "isolation.level");
    public static final Setting<String> BOOTSTRAP = Setting.required("kafka.bootstrap", Parsers.nonBlank(),
            "Kafka bootstrap servers, host:port[,host:port]");
    public static final Setting<String> TOPIC_PREFIX = Setting.optional("kafka.topic-prefix", "cachepipe",
            Parsers.nonBlank(), "prefix of every topic cachepipe writes (Debezium topic.prefix)");
    public static final Setting<Integer> PARTITIONS = Setting.optional("kafka.partitions", "3",
            Parsers.integer(1, 1000), "partitions of topics cachepipe creates; bounds how many instances share work");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.optional("kafka.replication-factor", "1",
            Parsers.integer(1, 10),
            "replication factor of topics cachepipe creates (Debezium's offsets and Kafka Streams' internal topics too); they get min.insync.replicas = min(2, this)");

    private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9_-]+");

    public KafkaConfig {
        clientProperties = Map.copyOf(clientProperties);
        var problems = new Problems()
                .check(PREFIX.matcher(topicPrefix).matches(), "kafka.topic-prefix = '" + topicPrefix
                        + "': use letters, digits, '_' and '-' only (it becomes part of topic names)");
        clientProperties.keySet().stream().filter(OWNED::contains).sorted().forEach(key -> problems.add(CLIENT_PROPERTIES + key
                + " is set by cachepipe for each client" + (key.equals("bootstrap.servers") ? "; use kafka.bootstrap" : "")));
        problems.throwIfAny();
    }

    /** A connection without client settings of its own. */
    public KafkaConfig(String bootstrapServers, String topicPrefix, int partitions, short replicationFactor) {
        this(bootstrapServers, topicPrefix, partitions, replicationFactor, Map.of());
    }

    public static KafkaConfig read(Settings settings) {
        Settings.Values values = settings.require(REPLICATION_FACTOR, BOOTSTRAP, TOPIC_PREFIX, PARTITIONS);
        return new KafkaConfig(values.get(BOOTSTRAP), values.get(TOPIC_PREFIX), values.get(PARTITIONS),
                values.get(REPLICATION_FACTOR).shortValue(), settings.prefixed(CLIENT_PROPERTIES));
    }

    public static List<Setting<?>> settings() {
        return List.of(BOOTSTRAP, TOPIC_PREFIX, PARTITIONS, REPLICATION_FACTOR);
    }

    /** Never prints a client setting whose name says it is secret (a JAAS config, a key password). */
    @Override
    public String toString() {
        Map<String, String> safe = new java.util.TreeMap<>();
        clientProperties.forEach((key, value) -> safe.put(key, Secrets.isSecretName(key) ? Secrets.MASK : value));
        return "KafkaConfig[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", partitions=" + partitions
                + ", replicationFactor=" + replicationFactor + ", clientProperties=" + safe + "]";
    }
}
