package io.cachepipe.invalidator;

import io.cachepipe.store.kafka.ConsumerLag;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.store.redis.CacheStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the offsets the invalidators committed into the applied position. After each batch the
 * applier records how far the partitions it read are applied; a partition that receives nothing
 * (after Redis lost the position, or before this process applied anything) would otherwise never say
 * so, and every watermark would wait on it. A committed offset is a safe statement: Kafka Streams
 * commits only through {@link CommitBarrier}, after every change before it is applied.
 */
final class CommittedOffsets {
    private static final Logger log = LoggerFactory.getLogger(CommittedOffsets.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final String applicationId;
    private final Set<String> changeTopics;
    private final CacheStore store;

    CommittedOffsets(Admin admin, String applicationId, Set<String> changeTopics, CacheStore store) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.changeTopics = Set.copyOf(changeTopics);
        this.store = store;
    }

    /** One copy; safe to call from a schedule (a failure is logged and the next call tries again). */
    void copy() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = ConsumerLag.committed(admin, applicationId);
            Map<String, Long> next = new HashMap<>();
            committed.forEach((partition, offset) -> {
                if (offset != null && changeTopics.contains(partition.topic())) {
                    next.put(Watermarks.partition(partition.topic(), partition.partition()), offset.offset());
                }
            });
            store.markApplied(next).toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Copying the committed offsets of {} into the applied position failed: {}", applicationId, e.toString());
        }
    }
}
