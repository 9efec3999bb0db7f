package io.cachepipe.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.change.Version;
import io.cachepipe.store.kafka.Watermarks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * Copies a watermark (a logical decoding message from {@link Watermarks#emit}) into every partition
 * of every change topic. The producer keeps per-partition order, so each copy lands behind every
 * change the connector handed over before it.
 */
final class WatermarkFanout {
    private final String messageTopic;
    private final List<String> changeTopics;
    private final ObjectMapper json;

    WatermarkFanout(String messageTopic, List<String> changeTopics, ObjectMapper json) {
        this.messageTopic = messageTopic;
        this.changeTopics = List.copyOf(changeTopics);
        this.json = json;
    }

    boolean isWatermark(String destination) {
        return messageTopic.equals(destination);
    }

    /** Sends the copies; answers their acknowledgements, or none if the message is not a watermark. */
    List<java.util.concurrent.Future<RecordMetadata>> fanOut(Producer<byte[], byte[]> producer, byte @Nullable [] value) {
        Version watermark = watermarkOf(value);
        if (watermark == null) {
            return List.of();
        }
        int fanout = 0;
        for (String topic : changeTopics) {
            fanout += producer.partitionsFor(topic).size();
        }
        byte[] body = ("{\"watermark\":\"" + watermark.hex() + "\"}").getBytes(StandardCharsets.UTF_8);
        List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>(fanout);
        for (String topic : changeTopics) {
            int partitions = producer.partitionsFor(topic).size();
            for (int partition = 0; partition < partitions; partition++) {
                var headers = new RecordHeaders();
                headers.add(Watermarks.HEADER, watermark.hex().getBytes(StandardCharsets.UTF_8));
                headers.add(Watermarks.FANOUT_HEADER, Integer.toString(fanout).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(new ProducerRecord<>(topic, partition, Watermarks.key(partition), body, headers)));
            }
        }
        return acks;
    }

    private @Nullable Version watermarkOf(byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode message = json.readTree(value);
            if (!Watermarks.MESSAGE_PREFIX.equals(message.path("message").path("prefix").asText())) {
                return null;
            }
            long lsn = message.path("source").path("lsn").asLong(-1);
            return lsn > 0 ? new Version(lsn) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
