package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.json.Json;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Changes go to Kafka before their position is released; changes of cdc-capture's own tables only release their position. */
class ChangePublisherTest {
    private static final String HEARTBEATS = "p.public.cachepipe_heartbeat";
    private static final String SIGNALS = "p.public.cachepipe_signal";

    @Test
    void heartbeatAndSignalTableChanges_areMarkedProcessed_butNeverPublished() throws InterruptedException {
        var producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        var noTransactions = new CommitVisibility(new org.postgresql.ds.PGSimpleDataSource(), () -> false, new SimpleMeterRegistry());
        var publisher = new ChangePublisher(producer, noTransactions, new WatermarkFanout("p.message", List.of("p.public.products"), Json.mapper()),
                java.util.Set.of(HEARTBEATS, SIGNALS), () -> false, new SimpleMeterRegistry());
        var committer = new RecordingCommitter();

        publisher.handleBatch(List.of(event("p.public.products", "{\"id\":1}"), event(HEARTBEATS, "{\"slot\":\"s\"}"),
                event(SIGNALS, "{\"id\":\"snapshot-window-open\"}"), event("p.public.products", "{\"id\":2}")), committer);

        assertThat(producer.history()).extracting(record -> record.topic()).containsExactly("p.public.products", "p.public.products");
        assertThat(committer.processed).extracting(ChangeEvent::destination)
                .containsExactly("p.public.products", HEARTBEATS, SIGNALS, "p.public.products");
        assertThat(committer.batchFinished).isTrue();
    }

    private static ChangeEvent<byte[], byte[]> event(String destination, String key) {
        return new ChangeEvent<>() {
            @Override
            public byte[] key() {
                return key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public byte[] value() {
                return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
