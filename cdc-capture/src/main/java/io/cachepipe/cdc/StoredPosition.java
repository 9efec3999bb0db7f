package io.cachepipe.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.store.kafka.KafkaClients;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * The position Debezium stored for cachepipe's connector in its offsets topic (one partition, keyed
 * {@code ["<engine name>",{"server":"<topic prefix>"}]}): the newest of the offset's LSNs ({@code lsn},
 * {@code lsn_commit}, {@code lsn_proc}). Read to the end of the topic on every call; empty when nothing
 * is stored (the first start, or offsets removed). {@link #forget} removes it the way Kafka Connect
 * resets a connector's offsets: a tombstone for its key.
 */
final class StoredPosition {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> LSN_FIELDS = List.of("lsn", "lsn_commit", "lsn_proc");

    private final KafkaConfig kafka;
    private final String topic;
    private final String engineName;
    private final String server;
    private final ObjectMapper json;
    /** The key Debezium stored the position under, as found by the last read. */
    private volatile byte @Nullable [] storedKey;

    StoredPosition(KafkaConfig kafka, String topic, String engineName, String server, ObjectMapper json) {
        this.kafka = kafka;
        this.topic = topic;
        this.engineName = engineName;
        this.server = server;
        this.json = json;
    }

    Optional<Version> read() {
        Properties props = KafkaClients.properties(kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.topicPrefix() + "-cdc-stored-position");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).getOrDefault(partition, 0L);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            @Nullable Version stored = null;
            while (consumer.position(partition, READ_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end offset " + end + " within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (ours(record.key())) {
                        stored = record.value() == null ? null : newest(record.value());
                        storedKey = record.key();
                    }
                }
            }
            return Optional.ofNullable(stored);
        }
    }

    /**
     * Removes the stored position (a tombstone for its key, acknowledged): Debezium's next start finds none and
     * starts as on a first start. Nothing to do if the last read found none.
     */
    void forget(Producer<byte[], byte[]> producer) {
        byte[] key = storedKey;
        if (key == null) {
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, null)).get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot remove the stored position from " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing the stored position", e);
        }
    }

    private boolean ours(byte @Nullable [] key) {
        if (key == null) {
            return false;
        }
        try {
            JsonNode node = json.readTree(key);
            return engineName.equals(node.path(0).asText()) && server.equals(node.path(1).path("server").asText());
        } catch (IOException e) {
            return false;
        }
    }

    private @Nullable Version newest(byte[] value) {
        try {
            JsonNode node = json.readTree(value);
            long newest = 0;
            for (String field : LSN_FIELDS) {
                newest = Math.max(newest, node.path(field).asLong(0));
            }
            return newest > 0 ? new Version(newest) : null;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable offset in " + topic + ": " + e.getMessage(), e);
        }
    }
}
