package io.cachepipe.cli;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Who holds which partitions of a consumer group, as Kafka's group coordinator says
 * ({@link Admin#describeConsumerGroups}), not as the processes report it. An owner is one process:
 * a Kafka Streams instance is the client id its stream threads share ({@code <application>-<process
 * id>}), any other consumer its member id.
 */
final class GroupView {
    private static final String STREAM_THREAD = "-StreamThread-";

    private GroupView() {
    }

    /** Owner to partitions, if the group is stable now (not rebalancing, not empty). */
    static Optional<Map<String, Set<TopicPartition>>> stable(Admin admin, String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(Set.of(group)).describedGroups().get(group)
                .get(10, TimeUnit.SECONDS);
        if (description.groupState() != GroupState.STABLE) {
            return Optional.empty();
        }
        Map<String, Set<TopicPartition>> owners = new TreeMap<>();
        for (MemberDescription member : description.members()) {
            owners.computeIfAbsent(owner(member), key -> new HashSet<>()).addAll(member.assignment().topicPartitions());
        }
        return Optional.of(owners);
    }

    private static String owner(MemberDescription member) {
        int thread = member.clientId().indexOf(STREAM_THREAD);
        return thread >= 0 ? member.clientId().substring(0, thread) : member.consumerId();
    }

    /** Every partition any owner holds. */
    static Set<TopicPartition> all(Map<String, Set<TopicPartition>> owners) {
        Set<TopicPartition> all = new HashSet<>();
        owners.values().forEach(all::addAll);
        return all;
    }
}
