package io.cachepipe.cdc;

import io.cachepipe.core.metrics.MetricNames;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards Debezium's batches to Kafka, at least once: a record is marked processed (so its
 * position may be saved and confirmed to the replication slot) only after Kafka acknowledged it.
 * A watermark goes to the watermark topic, with the change topics' end offsets, once every change
 * before it is acknowledged ({@link WatermarkPublisher}).
 * While Kafka is unreachable it keeps retrying and Debezium waits; the slot keeps the WAL meanwhile,
 * so nothing is lost, only delayed.
 */
final class ChangePublisher implements DebeziumEngine.ChangeConsumer<ChangeEvent<byte[], byte[]>> {
    private static final Logger log = LoggerFactory.getLogger(ChangePublisher.class);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final Producer<byte[], byte[]> producer;
    private final CommitVisibility visibility;
    private final WatermarkPublisher watermarks;
    private final Set<String> ownTableTopics;
    private final OversizedChanges oversized;
    private final BooleanSupplier stopping;
    private final MeterRegistry metrics;
    private final Map<String, Counter> eventsByTopic = new ConcurrentHashMap<>();
    private volatile long lastBatchAtMs;

    /**
     * @param ownTableTopics where Debezium routes the changes of cdc-capture's own tables (heartbeats, signals):
     *                       dropped, not published (see {@link OwnTables})
     */
    ChangePublisher(Producer<byte[], byte[]> producer, CommitVisibility visibility, WatermarkPublisher watermarks,
                    Set<String> ownTableTopics, OversizedChanges oversized, BooleanSupplier stopping, MeterRegistry metrics) {
        this.producer = producer;
        this.visibility = visibility;
        this.watermarks = watermarks;
        this.ownTableTopics = Set.copyOf(ownTableTopics);
        this.oversized = oversized;
        this.stopping = stopping;
        this.metrics = metrics;
    }

    @Override
    public void handleBatch(List<ChangeEvent<byte[], byte[]>> records,
                            DebeziumEngine.RecordCommitter<ChangeEvent<byte[], byte[]>> committer) throws InterruptedException {
        visibility.awaitVisible(transactions(records));
        List<@Nullable Sent> sent = new ArrayList<>(records.size());
        for (ChangeEvent<byte[], byte[]> record : records) {
            boolean published = !ownTableTopics.contains(record.destination()) && !watermarks.isWatermark(record.destination());
            ProducerRecord<byte[], byte[]> message = published ? change(record) : null;
            sent.add(message == null ? null : new Sent(message, send(message)));
        }
        for (int i = 0; i < records.size(); i++) {
            ChangeEvent<byte[], byte[]> record = records.get(i);
            Sent change = sent.get(i);
            if (change != null) {
                watermarks.acknowledged(awaitAck(change.message(), change.ack()));
            } else if (watermarks.isWatermark(record.destination())) {
                // Every change before the watermark is acknowledged now: the end offsets it carries are known.
                ProducerRecord<byte[], byte[]> watermark = watermarks.record(record.value());
                if (watermark != null) {
                    awaitAck(watermark, send(watermark));
                }
            }
            committer.markProcessed(record);
            eventsByTopic.computeIfAbsent(record.destination(),
                    topic -> Counter.builder(MetricNames.CDC_EVENTS).tag("topic", topic).register(metrics)).increment();
        }
        committer.markBatchFinished();
        lastBatchAtMs = System.currentTimeMillis();
    }

    /** The change as its topic takes it: one message, however large its values (see {@link OversizedChanges}). */
    private ProducerRecord<byte[], byte[]> change(ChangeEvent<byte[], byte[]> record) {
        OversizedChanges.Fitted fitted = oversized.fit(record.key(), record.value());
        if (!fitted.marked().isEmpty()) {
            Counter.builder(MetricNames.CDC_OVERSIZED_CHANGES).tag("topic", record.destination()).register(metrics).increment();
            log.warn("A change to {} ({} bytes, key {}) is larger than a Kafka message: published with {} marked unavailable, "
                    + "which the pipeline loads from PostgreSQL", record.destination(), record.value() == null ? 0 : record.value().length,
                    record.key() == null ? "none" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8), fitted.marked());
        }
        return new ProducerRecord<>(record.destination(), record.key(), fitted.value());
    }

    /** A change handed to the producer, kept to send again if Kafka fails it retriably. */
    private record Sent(ProducerRecord<byte[], byte[]> message, Future<RecordMetadata> ack) {
    }

    /** The transactions whose changes a batch carries (own tables aside): they must be visible before it is published. */
    private Set<Long> transactions(List<ChangeEvent<byte[], byte[]>> records) {
        Set<Long> xids = new HashSet<>();
        for (ChangeEvent<byte[], byte[]> record : records) {
            if (!ownTableTopics.contains(record.destination())) {
                Long xid = CommitVisibility.transactionId(record.value());
                if (xid != null) {
                    xids.add(xid);
                }
            }
        }
        return xids;
    }

    long lastBatchAtMs() {
        return lastBatchAtMs;
    }

    private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> message) throws InterruptedException {
        while (true) {
            try {
                return producer.send(message);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                pauseBeforeRetry("sending to " + message.topic(), e);
            }
        }
    }

    private RecordMetadata awaitAck(ProducerRecord<byte[], byte[]> message, Future<RecordMetadata> ack) throws InterruptedException {
        Future<RecordMetadata> pending = ack;
        while (true) {
            try {
                return pending.get(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stopping.getAsBoolean()) {
                    throw new InterruptedException("stopping before Kafka acknowledged " + message.topic());
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException("Kafka refused a record for " + message.topic() + ": " + e.getCause(), e.getCause());
                }
                pauseBeforeRetry("acknowledgement from " + message.topic(), e.getCause());
                pending = send(message);
            }
        }
    }

    private void pauseBeforeRetry(String what, Throwable cause) throws InterruptedException {
        if (stopping.getAsBoolean()) {
            throw new InterruptedException("stopping while waiting for Kafka");
        }
        log.warn("Kafka unavailable ({}): {}; retrying, the replication slot keeps the WAL meanwhile", what, cause.getMessage());
        Thread.sleep(RETRY_PAUSE.toMillis());
    }
}
