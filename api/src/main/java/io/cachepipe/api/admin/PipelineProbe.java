package io.cachepipe.api.admin;

import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.store.kafka.ConsumerLag;
import io.cachepipe.store.kafka.KafkaRefusal;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * What the summary knows about the Kafka side: lag per stage (read with Kafka's Admin API, the
 * figures {@code kafka-consumer-groups --describe} shows) and records waiting in the dead-letter topic.
 * Answers are kept for a few seconds so a dashboard polling the summary does not poll Kafka.
 */
public final class PipelineProbe implements AutoCloseable {
    /** One reading. {@code error} is set when Kafka could not be read. */
    public record Reading(Map<String, Long> lagByStage, long deadLetters, @Nullable String error) {
    }

    private static final Duration KEEP = Duration.ofSeconds(5);
    private final KafkaConfig kafka;
    private final Map<String, String> groupsByStage;
    private @Nullable Admin admin;
    private @Nullable Reading last;
    private long lastAt;

    /** {@code groupsByStage}: e.g. invalidator → its Streams application id, warmer → its consumer group. */
    public PipelineProbe(KafkaConfig kafka, Map<String, String> groupsByStage) {
        this.kafka = kafka;
        this.groupsByStage = Map.copyOf(groupsByStage);
    }

    public synchronized Reading read() {
        if (last != null && System.nanoTime() - lastAt < KEEP.toNanos()) {
            return last;
        }
        try {
            if (admin == null) {
                admin = TopicAdmin.admin(kafka);
            }
            Map<String, Long> lag = new LinkedHashMap<>();
            for (var entry : new java.util.TreeMap<>(groupsByStage).entrySet()) {
                lag.put(entry.getKey(), ConsumerLag.total(admin, entry.getValue()));
            }
            last = new Reading(lag, deadLetters(admin), null);
        } catch (RuntimeException e) {
            String refused = KafkaRefusal.of(e, kafka).map(RuntimeException::getMessage).orElse(null);
            last = new Reading(Map.of(), -1, refused != null ? refused : e.getMessage());
        }
        lastAt = System.nanoTime();
        return last;
    }

    private long deadLetters(Admin admin) {
        String topic = new Topics(kafka.topicPrefix()).deadLetter();
        try {
            var description = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
            if (description == null) {
                return 0;
            }
            var partitions = description.partitions();
            Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            partitions.forEach(info -> {
                earliest.put(new TopicPartition(topic, info.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest());
            });
            var begins = admin.listOffsets(earliest).all().get(15, TimeUnit.SECONDS);
            var ends = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
            long total = 0;
            for (var entry : ends.entrySet()) {
                var begin = begins.get(entry.getKey());
                if (begin == null) {
                    throw new IllegalStateException("Kafka answered no earliest offset for " + entry.getKey());
                }
                total += entry.getValue().offset() - begin.offset();
            }
            return total;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new IllegalStateException("cannot read the dead-letter topic " + topic + ": "
                    + (e.getCause() != null ? e.getCause() : e).getMessage(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka about " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
