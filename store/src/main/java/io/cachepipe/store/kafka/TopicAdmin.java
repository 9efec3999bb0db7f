package io.cachepipe.store.kafka;

import io.cachepipe.core.config.KafkaConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates cachepipe's topics if they are absent. Every process ensures the topics it reads or writes
 * at start-up, so any start order works; creation is idempotent.
 */
public final class TopicAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * The largest change message: what a change topic takes, and the dead-letter topic, which keeps a
     * change as it was read; every producer that may send one allows it. A row with a larger value is
     * made to fit by cdc-capture. Kafka's own default is 1 MB, well below what a row can hold.
     */
    public static final int MAX_CHANGE_MESSAGE_BYTES = 16 * 1024 * 1024;

    private TopicAdmin() {
    }

    /**
     * Writes acknowledged by all in-sync replicas ({@code acks=all}, as every cachepipe producer sends) must
     * be on this many of them: {@code min(2, kafka.replication-factor)}. With 3 replicas one broker may be
     * lost without stopping writes or losing an acknowledged one; with 1 the rule asks nothing more.
     */
    public static int minInSyncReplicas(KafkaConfig kafka) {
        return Math.min(2, kafka.replicationFactor());
    }

    /**
     * A topic of {@code kafka.replication-factor} replicas with {@link #minInSyncReplicas} and the given
     * settings: how every topic cachepipe creates is defined.
     */
    public static NewTopic topic(KafkaConfig kafka, String name, int partitions, Map<String, String> configs) {
        Map<String, String> all = new HashMap<>(configs);
        all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInSyncReplicas(kafka)));
        return new NewTopic(name, partitions, kafka.replicationFactor()).configs(Map.copyOf(all));
    }

    /**
     * Change topics are compacted: the latest image of every row stays, a full rebuild source. They take
     * messages of {@link #MAX_CHANGE_MESSAGE_BYTES} whichever process creates them: the invalidator, started
     * first, created them with Kafka's 1 MB, and every larger change then stopped cdc-capture.
     */
    public static NewTopic changeTopic(KafkaConfig kafka, String name) {
        return topic(kafka, name, kafka.partitions(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_CHANGE_MESSAGE_BYTES)));
    }

    /** Warm requests are transient work; a day is ample to replay them. */
    public static NewTopic warmTopic(KafkaConfig kafka, String name) {
        return topic(kafka, name, kafka.partitions(), Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis())));
    }

    /** Dead letters wait a week for an operator. */
    public static NewTopic deadLetterTopic(KafkaConfig kafka, String name) {
        return topic(kafka, name, 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_CHANGE_MESSAGE_BYTES)));
    }

    /** Slot losses are kept for good, the latest per slot ({@link SlotLossHistory}); one partition. */
    public static NewTopic slotLossTopic(KafkaConfig kafka, String name) {
        return topic(kafka, name, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** Watermarks matter for seconds; one partition keeps them in order. */
    public static NewTopic watermarkTopic(KafkaConfig kafka, String name) {
        return topic(kafka, name, 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis())));
    }

    /**
     * The end offset (the next offset to be written) of every partition of the topics. Topics created a moment
     * ago may not be known to every broker yet ("It may take several seconds after CreateTopicsResult returns
     * success for all the brokers to become aware that the topics have been created"): asked again until then.
     */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return endOffsetsNow(admin, topics);
            } catch (ExecutionException e) {
                boolean notYetKnown = e.getCause() instanceof UnknownTopicOrPartitionException || e.getCause() instanceof LeaderNotAvailableException;
                if (!notYetKnown || System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the end offsets of " + topics + ": " + e.getMessage(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("cannot read the end offsets of " + topics + ": no answer within " + TIMEOUT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted reading the end offsets of " + topics, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted reading the end offsets of " + topics, e);
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsetsNow(Admin admin, Collection<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()
                .forEach(topic -> topic.partitions().forEach(partition ->
                        latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, end) -> ends.put(partition, end.offset()));
        return ends;
    }

    public static Admin admin(KafkaConfig kafka) {
        var props = KafkaClients.properties(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, kafka.topicPrefix() + "-admin");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return Admin.create(props);
    }

    /**
     * Creates the topics that are absent: the first thing every process asks of Kafka, so a broker that
     * refuses cachepipe's credentials or certificates stops the process here, at once, with a
     * {@link io.cachepipe.core.config.ConfigException} naming the setting (see {@link KafkaRefusal}).
     */
    public static void ensure(KafkaConfig kafka, Collection<NewTopic> topics) {
        try (Admin admin = admin(kafka)) {
            ensure(admin, kafka, topics);
        }
    }

    private static void ensure(Admin admin, KafkaConfig kafka, Collection<NewTopic> topics) {
        List<String> failures = new ArrayList<>();
        var result = admin.createTopics(topics);
        result.values().forEach((name, future) -> {
            try {
                future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                KafkaRefusal.throwIfRefused(cause, kafka);
                if (!(cause instanceof TopicExistsException)) {
                    failures.add(name + ": " + cause.getMessage());
                }
            } catch (TimeoutException e) {
                failures.add(name + ": no answer from Kafka within " + TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(name + ": interrupted");
            }
        });
        if (!failures.isEmpty()) {
            throw new IllegalStateException("cannot create Kafka topics at " + kafka.bootstrapServers() + ": "
                    + String.join("; ", failures) + (kafka.clientProperties().containsKey(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                            ? "" : ". If the brokers take TLS or SASL only, set " + KafkaConfig.CLIENT_PROPERTIES
                                    + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + " (docs/deploy.md)"));
        }
    }
}
