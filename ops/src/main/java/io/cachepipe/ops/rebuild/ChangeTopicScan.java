package io.cachepipe.ops.rebuild;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.store.kafka.KafkaClients;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.store.redis.RebuildCheckpoint;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the compacted change topics of some tables, every partition from where a checkpoint left it
 * (else from its beginning) up to the end offset it had when the scan opened: records written later
 * are the live pipeline's. Each {@link #poll} keeps the latest record per row.
 */
final class ChangeTopicScan implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    /** The records of a poll worth parsing, and how many it read below the end offsets. */
    record Poll(Collection<ConsumerRecord<byte[], byte[]>> latest, int read) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> ends;
    private final Set<TopicPartition> open;
    private final long total;

    private ChangeTopicScan(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends, Set<TopicPartition> open,
                            long total) {
        this.consumer = consumer;
        this.ends = ends;
        this.open = open;
        this.total = total;
    }

    /** Assigns every partition of the tables' change topics and seeks each to its checkpointed offset; a missing topic is noted. */
    static ChangeTopicScan open(KafkaConfig kafka, Set<TableName> tables, RebuildCheckpoint.Saved checkpoint, List<String> notes) {
        Topics topics = new Topics(kafka.topicPrefix());
        var consumer = new KafkaConsumer<byte[], byte[]>(consumerProps(kafka));
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (TableName table : tables) {
                List<PartitionInfo> infos = consumer.partitionsFor(topics.change(table));
                if (infos == null || infos.isEmpty()) {
                    notes.add("no change topic " + topics.change(table) + " yet: nothing captured from " + table);
                    continue;
                }
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            long total = 0;
            for (TopicPartition partition : partitions) {
                Long saved = checkpoint.offset(partition.topic(), partition.partition());
                long from = saved == null ? offset(begins, partition) : Math.max(offset(begins, partition), saved);
                consumer.seek(partition, from);
                total += Math.max(0, offset(ends, partition) - from);
            }
            Set<TopicPartition> open = new LinkedHashSet<>(partitions);
            open.removeIf(partition -> consumer.position(partition) >= offset(ends, partition));
            return new ChangeTopicScan(consumer, ends, open, total);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The records between the starting offsets and the end offsets. */
    long total() {
        return total;
    }

    /** Whether every partition is read up to its end offset. */
    boolean done() {
        return open.isEmpty();
    }

    Poll poll() {
        return latestPerRow(consumer.poll(POLL));
    }

    /**
     * The next offset of every partition still being read, no further than its end offset; a partition
     * that reached its end is done and not reported again.
     */
    List<RebuildCheckpoint.Offset> positions() {
        List<RebuildCheckpoint.Offset> positions = new ArrayList<>();
        for (TopicPartition partition : List.copyOf(open)) {
            long position = consumer.position(partition);
            positions.add(new RebuildCheckpoint.Offset(partition.topic(), partition.partition(), Math.min(position, offset(ends, partition))));
            if (position >= offset(ends, partition)) {
                open.remove(partition);
            }
        }
        return positions;
    }

    @Override
    public void close() {
        consumer.close();
    }

    /**
     * Of a poll's records below the end offsets, the last one of each row (record key): what log
     * compaction would keep, so an uncompacted topic costs one parse per row and poll, not one per
     * change. A delete's tombstone (null value) does not replace the delete before it, which is what
     * tells the rebuild the row is gone; watermark copies written by earlier builds are skipped. Within a partition records come in
     * order, so the last is the newest, and its version the highest of the row's.
     */
    private Poll latestPerRow(Iterable<ConsumerRecord<byte[], byte[]>> polled) {
        Map<Object, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        int counted = 0;
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            if (record.offset() >= offset(ends, new TopicPartition(record.topic(), record.partition()))) {
                continue;
            }
            counted++;
            if (record.value() == null || Watermarks.isLegacyCopy(record.headers())) {
                continue;
            }
            Object row = record.key() == null ? new Object()
                    : List.of(record.topic(), record.partition(), ByteBuffer.wrap(record.key()));
            latest.put(row, record);
        }
        return new Poll(latest.values(), counted);
    }

    private static Properties consumerProps(KafkaConfig kafka) {
        var props = KafkaClients.reader(kafka, "rebuild");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20000");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return props;
    }

    /** A partition's offset in Kafka's answer for the partitions asked, which has every one of them. */
    private static long offset(Map<TopicPartition, Long> offsets, TopicPartition partition) {
        Long offset = offsets.get(partition);
        if (offset == null) {
            throw new IllegalStateException("Kafka answered no offset for " + partition);
        }
        return offset;
    }
}
