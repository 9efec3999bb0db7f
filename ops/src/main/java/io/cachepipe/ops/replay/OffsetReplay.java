package io.cachepipe.ops.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Moves consumer-group offsets with Kafka's own Admin API, so that {@code kafka-consumer-groups
 * --describe} shows exactly what cachepipe did: {@code listOffsets} with
 * {@link OffsetSpec#forTimestamp} finds, per partition, the first record at or after the time
 * (Kafka's time index; the change topics' record time is when cdc-capture published the change),
 * and {@code alterConsumerGroupOffsets} commits it for the group. Kafka accepts that only while the
 * group has no members, which is why a replay is refused on an active group unless the members are
 * removed first ({@link #removeMembers}).
 */
public final class OffsetReplay {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One partition's move: where the group is, where it will be, and up to where the replay counts. */
    public record Move(String group, TopicPartition partition, long committed, long target, long until) {
        /** Records the group will read again (or skip, if negative). */
        public long records() {
            return (committed < 0 ? until : committed) - target;
        }
    }

    private final Admin admin;

    public OffsetReplay(Admin admin) {
        this.admin = admin;
    }

    /** Partitions of the topics that exist; absent topics are left out (nothing was captured there yet). */
    public List<TopicPartition> partitions(Collection<String> topics, List<String> missing) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            try {
                TopicDescription description = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
                if (description == null) {
                    missing.add(topic);
                    continue;
                }
                description.partitions().forEach(info -> out.add(new TopicPartition(topic, info.partition())));
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else {
                    throw e;
                }
            }
        }
        return out;
    }

    /**
     * The moves for a group: to the first record at or after {@code from} (or the beginning), counting up
     * to the first record at or after {@code to} (or the end).
     */
    public List<Move> plan(String group, List<TopicPartition> partitions, @Nullable Instant from, @Nullable Instant to) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, Long> targets = offsets(partitions, from == null ? OffsetSpec.earliest() : OffsetSpec.forTimestamp(from.toEpochMilli()));
        Map<TopicPartition, Long> untils = offsets(partitions, to == null ? OffsetSpec.latest() : OffsetSpec.forTimestamp(to.toEpochMilli()));
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        List<Move> moves = new ArrayList<>();
        for (TopicPartition partition : sorted(partitions)) {
            OffsetAndMetadata at = committed.get(partition);
            moves.add(new Move(group, partition, at == null ? -1 : at.offset(), offset(targets, partition), offset(untils, partition)));
        }
        return moves;
    }

    /** Offsets for a spec; a time after the last record answers the end offset, as kafka-consumer-groups does. */
    public Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = get(admin.listOffsets(request).all());
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        List<TopicPartition> past = new ArrayList<>();
        found.forEach((partition, info) -> {
            if (info.offset() < 0) {
                past.add(partition);
            } else {
                out.put(partition, info.offset());
            }
        });
        if (!past.isEmpty()) {
            out.putAll(offsets(past, OffsetSpec.latest()));
        }
        return out;
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                out.put(partition, offset);
            }
        });
        return out;
    }

    /** The group's active members, described for a message: client id @ host. */
    public List<String> members(String group) {
        ConsumerGroupDescription description = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        if (description == null) {
            throw new IllegalStateException("Kafka did not describe group " + group);
        }
        List<String> out = new ArrayList<>();
        for (MemberDescription member : description.members()) {
            out.add(member.clientId() + "@" + member.host());
        }
        return out;
    }

    /**
     * Asks the group coordinator to remove every member (KIP-345/KIP-571). The members' processes keep
     * running: their next heartbeat or commit fails, they drop uncommitted work and rejoin, then start
     * from the group's committed offsets, which by then are the moved ones.
     */
    public void removeMembers(String group) {
        get(admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all());
    }

    /** Commits the targets for the group; fails while the group has members. */
    public void apply(String group, List<Move> moves) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        moves.forEach(move -> offsets.put(move.partition(), new OffsetAndMetadata(move.target(), "cachepipe replay")));
        get(admin.alterConsumerGroupOffsets(group, offsets).all());
    }

    /** Records the group still has to read before every partition reached its {@code until}. */
    public long remaining(String group, List<Move> moves) {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        long remaining = 0;
        for (Move move : moves) {
            OffsetAndMetadata at = committed.get(move.partition());
            long position = at == null ? move.target() : at.offset();
            remaining += Math.max(0, move.until() - position);
        }
        return remaining;
    }

    private static List<TopicPartition> sorted(List<TopicPartition> partitions) {
        Map<String, TopicPartition> byName = new TreeMap<>();
        partitions.forEach(partition -> byName.put(partition.topic() + String.format("/%05d", partition.partition()), partition));
        return new ArrayList<>(byName.values());
    }

    /** A partition's offset in Kafka's answer for the partitions asked, which has every one of them. */
    private static long offset(Map<TopicPartition, Long> offsets, TopicPartition partition) {
        Long offset = offsets.get(partition);
        if (offset == null) {
            throw new IllegalStateException("Kafka answered no offset for " + partition);
        }
        return offset;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
