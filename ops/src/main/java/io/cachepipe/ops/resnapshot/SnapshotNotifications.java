package io.cachepipe.ops.resnapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.json.Json;
import io.cachepipe.store.kafka.KafkaClients;
import io.cachepipe.store.kafka.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Reads Debezium's notifications ({@code <prefix>.cdc-notifications}, published by cdc-capture) from the
 * end the topic had when it was opened, so that only notifications about a signal sent afterwards are
 * seen. A notification is {@code {"id", "aggregate_type", "type", "additional_data", "timestamp"}}; for
 * an incremental snapshot its id is the id of the {@code execute-snapshot} signal that started it.
 */
final class SnapshotNotifications implements AutoCloseable {
    static final String INCREMENTAL_SNAPSHOT = "Incremental Snapshot";

    /** One notification about an incremental snapshot. */
    record Notification(String id, String type, JsonNode data) {
        String text(String field) {
            return data.path(field).asText("");
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;

    private SnapshotNotifications(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Positioned at the current end of the topic; refuses when cdc-capture has not created it yet. */
    static SnapshotNotifications fromNow(KafkaConfig kafka) {
        String topic = new Topics(kafka.topicPrefix()).cdcNotifications();
        var consumer = new KafkaConsumer<byte[], byte[]>(properties(kafka));
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("no topic " + topic + ": start cdc-capture of this version first (it creates the "
                        + "topic and publishes Debezium's notifications there)");
            }
            List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now, before the signal is sent
            return new SnapshotNotifications(consumer);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The incremental-snapshot notifications that arrived within {@code wait}, in order. */
    List<Notification> poll(Duration wait) {
        List<Notification> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            Notification notification = parse(record.value());
            if (notification != null) {
                out.add(notification);
            }
        }
        return out;
    }

    static @Nullable Notification parse(byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(value);
        } catch (IOException e) {
            return null;
        }
        JsonNode payload = node.has("payload") ? node.path("payload") : node;
        if (!INCREMENTAL_SNAPSHOT.equals(payload.path("aggregate_type").asText())) {
            return null;
        }
        return new Notification(payload.path("id").asText(), payload.path("type").asText(), payload.path("additional_data"));
    }

    private static Properties properties(KafkaConfig kafka) {
        return KafkaClients.reader(kafka, "resnapshot");
    }

    @Override
    public void close() {
        consumer.close();
    }
}
