package io.cachepipe.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.change.Version;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.cachepipe.store.kafka.Watermarks;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Turns a watermark (a logical decoding message from {@link Watermarks#emit}) into a record of the
 * watermark topic carrying the end offset of every change-topic partition as of the watermark: the
 * offsets Kafka acknowledged for every change handed over before it, and for a partition this process
 * has not written to, its end offset when the process started. Nothing goes into the change topics.
 */
final class WatermarkPublisher {
    private static final byte[] KEY = "watermark".getBytes(StandardCharsets.UTF_8);

    private final String messageTopic;
    private final String watermarkTopic;
    private final ObjectMapper json;
    private final Set<String> changeTopics;
    private final Runnable onSchemaChange;
    /** Next offset of each change-topic partition; only the publishing thread touches it. */
    private final Map<String, Long> ends = new HashMap<>();

    /**
     * @param changeTopics the topics the invalidator reads: only their offsets are a watermark's business (Debezium's
     *                     heartbeats and notifications pass through the same producer, and nobody applies them)
     * @param endsAtStart  the change topics' end offsets before this process wrote anything
     * @param onSchemaChange told of each schema change passed on (see {@link PublicationGuard}); returns at once
     */
    WatermarkPublisher(String messageTopic, String watermarkTopic, Set<String> changeTopics, Map<TopicPartition, Long> endsAtStart,
                       ObjectMapper json, Runnable onSchemaChange) {
        this.messageTopic = messageTopic;
        this.onSchemaChange = onSchemaChange;
        this.watermarkTopic = watermarkTopic;
        this.changeTopics = Set.copyOf(changeTopics);
        this.json = json;
        endsAtStart.forEach((partition, end) -> {
            if (changeTopics.contains(partition.topic())) {
                ends.put(Watermarks.partition(partition.topic(), partition.partition()), end);
            }
        });
    }

    boolean isWatermark(String destination) {
        return messageTopic.equals(destination);
    }

    /** Kafka acknowledged a change: its partition's end is at least past it. */
    void acknowledged(RecordMetadata change) {
        if (change.hasOffset() && changeTopics.contains(change.topic())) {
            ends.merge(Watermarks.partition(change.topic(), change.partition()), change.offset() + 1, Math::max);
        }
    }

    /**
     * The watermark-topic record for a message, to be sent once every change before it is acknowledged:
     * a watermark, or a {@link SchemaChangeNotice}; null if the message is neither.
     */
    @Nullable ProducerRecord<byte[], byte[]> record(byte @Nullable [] message) {
        Version watermark = Watermarks.ofMessage(json, message);
        if (watermark != null) {
            return new ProducerRecord<>(watermarkTopic, KEY, Watermarks.encode(json, new Watermarks.Watermark(watermark, ends)));
        }
        SchemaChangeNotice schemaChange = SchemaChangeNotice.ofMessage(json, message);
        if (schemaChange == null) {
            return null;
        }
        onSchemaChange.run();
        return new ProducerRecord<>(watermarkTopic, SchemaChangeNotice.KEY, schemaChange.encode(json));
    }
}
