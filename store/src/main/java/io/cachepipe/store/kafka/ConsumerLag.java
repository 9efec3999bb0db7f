package io.cachepipe.store.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group (or Streams application) is behind, read with Kafka's own Admin API,
 * so the figures agree with {@code kafka-consumer-groups --describe}.
 */
public final class ConsumerLag {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private ConsumerLag() {
    }

    /** Records between each partition's committed offset and its end; a partition never committed counts fully. */
    public static Map<TopicPartition, Long> byPartition(Admin admin, String groupId) {
        return read("the lag of consumer group " + groupId, () -> {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, groupId);
            Map<TopicPartition, Long> lag = new HashMap<>();
            ends(admin, committed.keySet()).forEach((partition, end) -> {
                OffsetAndMetadata at = committed.get(partition);
                lag.put(partition, Math.max(0, end - (at == null ? 0 : at.offset())));
            });
            return lag;
        });
    }

    /**
     * The end offset, now, of every partition the group has committed: what it has to reach to have consumed
     * everything sent so far. Waiting for that, and not for a lag of zero, ends while producers go on.
     */
    public static Map<TopicPartition, Long> ends(Admin admin, String groupId) {
        return read("the offsets of consumer group " + groupId, () -> ends(admin, committed(admin, groupId).keySet()));
    }

    /** Whether the group's committed offsets have reached {@code ends} (from {@link #ends(Admin, String)}) on every partition. */
    public static boolean reached(Admin admin, String groupId, Map<TopicPartition, Long> ends) {
        return read("the offsets of consumer group " + groupId, () -> {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, groupId);
            return ends.entrySet().stream().allMatch(end -> {
                OffsetAndMetadata at = committed.get(end.getKey());
                return at != null && at.offset() >= end.getValue();
            });
        });
    }

    /** A read from Kafka's admin API, its checked failures turned into one unchecked one naming {@code what}. */
    private static <T> T read(String what, AdminRead<T> read) {
        try {
            return read.get();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + what, e);
        }
    }

    @FunctionalInterface
    private interface AdminRead<T> {
        T get() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private static Map<TopicPartition, Long> ends(Admin admin, java.util.Set<TopicPartition> partitions)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, end) -> ends.put(partition, end.offset()));
        return ends;
    }

    /** The group's committed offsets, as {@code kafka-consumer-groups --describe} reads them. */
    public static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String groupId)
            throws ExecutionException, TimeoutException, InterruptedException {
        return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static long total(Admin admin, String groupId) {
        return byPartition(admin, groupId).values().stream().mapToLong(Long::longValue).sum();
    }
}
