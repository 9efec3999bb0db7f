package io.cachepipe.bench;

import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.store.kafka.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * What Kafka says about a deployment, through the Admin API only: records in its topics, and its
 * consumer groups' members and committed positions. A benchmark watches the pipeline's progress from
 * here without touching the processes it measures.
 */
final class KafkaView implements AutoCloseable {
    private final Admin admin;
    private final Topics topics;
    private final String invalidatorGroup;
    private final String warmerGroup;

    KafkaView(KafkaConfig kafka) {
        this.admin = TopicAdmin.admin(kafka);
        this.topics = new Topics(kafka.topicPrefix());
        this.invalidatorGroup = kafka.topicPrefix() + "-invalidator";
        this.warmerGroup = kafka.topicPrefix() + "-warmer";
    }

    String warmerGroup() {
        return warmerGroup;
    }

    /** Records in the change topics: the sum of their partitions' end offsets. */
    long changeRecords() throws Exception {
        String prefix = topics.prefix() + ".public.";
        return endOffsets(name -> name.startsWith(prefix));
    }

    /** Warm requests ever sent: the sum of the warm topic's end offsets (it is written without transactions). */
    long warmRecords() throws Exception {
        return endOffsets(topics.warm()::equals);
    }

    /** Warm requests the warmers have handled: their group's committed offsets on the warm topic, summed. */
    long warmRecordsHandled() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(warmerGroup)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return committed.entrySet().stream().filter(entry -> entry.getKey().topic().equals(topics.warm()) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset()).sum();
    }

    private long endOffsets(Predicate<String> topic) throws Exception {
        var ends = new HashMap<TopicPartition, OffsetSpec>();
        List<String> names = admin.listTopics().names().get().stream().filter(topic).toList();
        for (var description : admin.describeTopics(names).allTopicNames().get().values()) {
            description.partitions().forEach(p -> ends.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
        }
        return admin.listOffsets(ends).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    /** Members of a stable group that hold at least one partition; 0 while the group rebalances. */
    int membersWithPartitions(String role) throws Exception {
        ConsumerGroupDescription description = describe(role);
        if (description.groupState() != GroupState.STABLE) {
            return 0;
        }
        return (int) description.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
    }

    /** Which process holds which partitions, as Kafka's group coordinator says. */
    List<String> assignments(String role) throws Exception {
        ConsumerGroupDescription description = describe(role);
        List<String> lines = new ArrayList<>();
        for (MemberDescription member : description.members()) {
            List<String> partitions = member.assignment().topicPartitions().stream()
                    .map(tp -> tp.topic().substring(tp.topic().indexOf('.') + 1) + "-" + tp.partition()).sorted().toList();
            lines.add(String.format("%-11s %-60s %s", role, member.clientId(), partitions));
        }
        lines.sort(String::compareTo);
        return lines;
    }

    private ConsumerGroupDescription describe(String role) throws Exception {
        String group = role.equals("invalidator") ? invalidatorGroup : warmerGroup;
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        if (description == null) {
            throw new IllegalStateException("Kafka did not describe group " + group);
        }
        return description;
    }

    @Override
    public void close() {
        admin.close();
    }
}
