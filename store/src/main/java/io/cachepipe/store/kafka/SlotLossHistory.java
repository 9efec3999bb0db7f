package io.cachepipe.store.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Every replication slot loss on record, for as long as the change topics keep what came before it
 * ({@link Topics#slotLosses()}, compacted: the latest {@link SlotLossNotice} per slot). The notice on the
 * watermark topic makes the invalidator flush the cache once and expires within the hour; this copy tells
 * a rebuild, at any later time, that a change-topic image older than the loss may be wrong: the row may
 * have been changed or deleted while changes were lost, and a deleted row's last image stays in the
 * compacted topic for good, since its delete was never captured.
 */
public final class SlotLossHistory {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private SlotLossHistory() {
    }

    /** Records a loss, under the slot's name; the returned future completes once Kafka acknowledged it. */
    public static Future<RecordMetadata> record(Producer<byte[], byte[]> producer, Topics topics,
            SlotLossNotice notice, ObjectMapper json) {
        return producer.send(new ProducerRecord<>(topics.slotLosses(), notice.slot().getBytes(StandardCharsets.UTF_8),
                notice.encode(json)));
    }

    /** Of the losses on record, the one capture resumed latest after; empty if none. */
    public static Optional<SlotLossNotice> latest(KafkaConfig kafka, ObjectMapper json) {
        String topic = new Topics(kafka.topicPrefix()).slotLosses();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(KafkaClients.reader(kafka, "slot-loss-history"))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Optional<SlotLossNotice> latest = Optional.empty();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.getOrDefault(partition, 0L))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.value() == null) {
                        continue;
                    }
                    SlotLossNotice notice = SlotLossNotice.decode(json, record.value());
                    if (latest.isEmpty() || Version.ofPgLsn(notice.resumedAt()).isAfter(Version.ofPgLsn(latest.get().resumedAt()))) {
                        latest = Optional.of(notice);
                    }
                }
            }
            return latest;
        }
    }
}
