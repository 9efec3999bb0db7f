package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import io.cachepipe.store.kafka.Watermarks;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Changes go to Kafka before their position is released; changes of cdc-capture's own tables only release
 * their position; a watermark goes to its own topic, never into a change topic.
 */
class ChangePublisherTest {
    private static final String HEARTBEATS = "p.public.cachepipe_heartbeat";
    private static final String SIGNALS = "p.public.cachepipe_signal";

    @Test
    void heartbeatAndSignalTableChanges_areMarkedProcessed_butNeverPublished() throws InterruptedException {
        var producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        var publisher = publisher(producer, Map.of());
        var committer = new RecordingCommitter();

        publisher.handleBatch(List.of(event("p.public.products", "{\"id\":1}"), event(HEARTBEATS, "{\"slot\":\"s\"}"),
                event(SIGNALS, "{\"id\":\"snapshot-window-open\"}"), event("p.public.products", "{\"id\":2}")), committer);

        assertThat(producer.history()).extracting(record -> record.topic()).containsExactly("p.public.products", "p.public.products");
        assertThat(committer.processed).extracting(ChangeEvent::destination)
                .containsExactly("p.public.products", HEARTBEATS, SIGNALS, "p.public.products");
        assertThat(committer.batchFinished).isTrue();
    }

    @Test
    void aWatermark_goesToTheWatermarkTopic_withTheEndOffsetsOfTheChangesBeforeIt_andNothingGoesIntoTheChangeTopics()
            throws InterruptedException {
        var producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        var publisher = publisher(producer, Map.of(new TopicPartition("p.public.products", 0), 0L,
                new TopicPartition("p.public.products", 1), 3L));
        var committer = new RecordingCommitter();
        String message = "{\"source\":{\"lsn\":2748},\"message\":{\"prefix\":\"cachepipe.watermark\",\"content\":\"\"}}";

        publisher.handleBatch(List.of(event("p.public.products", "{\"id\":1}"), event("__debezium-heartbeat.p", "{}"),
                event("p.message", "{}", message),
                event("p.public.products", "{\"id\":2}")), committer);

        assertThat(producer.history()).extracting(record -> record.topic())
                .containsExactly("p.public.products", "__debezium-heartbeat.p", "p.public.products", "p.watermarks");
        Watermarks.Watermark watermark = Watermarks.decode(Json.mapper(), producer.history().get(3).value());
        assertThat(watermark.version()).isEqualTo(new Version(2748));
        assertThat(watermark.endOffsets()).as("the change after the watermark is not part of it, nor a topic nobody applies")
                .isEqualTo(Map.of("p.public.products:0", 1L, "p.public.products:1", 3L));
        assertThat(committer.processed).hasSize(4);
    }

    private static ChangePublisher publisher(MockProducer<byte[], byte[]> producer, Map<TopicPartition, Long> endsAtStart) {
        var noTransactions = new CommitVisibility(new org.postgresql.ds.PGSimpleDataSource(), () -> false, new SimpleMeterRegistry());
        return new ChangePublisher(producer, noTransactions, new WatermarkPublisher("p.message", "p.watermarks", java.util.Set.of("p.public.products"), endsAtStart, Json.mapper(), () -> { }),
                java.util.Set.of(HEARTBEATS, SIGNALS), new OversizedChanges(io.cachepipe.store.kafka.TopicAdmin.MAX_CHANGE_MESSAGE_BYTES), () -> false, new SimpleMeterRegistry());
    }

    private static ChangeEvent<byte[], byte[]> event(String destination, String key) {
        return event(destination, key, "{}");
    }

    private static ChangeEvent<byte[], byte[]> event(String destination, String key, String value) {
        return new ChangeEvent<>() {
            @Override
            public byte[] key() {
                return key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public byte[] value() {
                return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public String destination() {
                return destination;
            }

            @Override
            public Integer partition() {
                return null;
            }
        };
    }

    private static final class RecordingCommitter implements DebeziumEngine.RecordCommitter<ChangeEvent<byte[], byte[]>> {
        final List<ChangeEvent<byte[], byte[]>> processed = new ArrayList<>();
        boolean batchFinished;

        @Override
        public void markProcessed(ChangeEvent<byte[], byte[]> record) {
            processed.add(record);
        }

        @Override
        public void markBatchFinished() {
            batchFinished = true;
        }

        @Override
        public void markProcessed(ChangeEvent<byte[], byte[]> record, DebeziumEngine.Offsets sourceOffsets) {
            processed.add(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    }
}
