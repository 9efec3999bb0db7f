package io.cachepipe.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.config.KafkaConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
    private static KafkaConfig kafka(int replicationFactor) {
        return new KafkaConfig("127.0.0.1:9092", "shop", 3, (short) replicationFactor);
    }

    @Test
    void everyTopic_hasTheReplicationFactor_andMinInSyncReplicasOfAtMostTwo() {
        for (int factor : List.of(1, 2, 3, 5)) {
            KafkaConfig kafka = kafka(factor);
            for (NewTopic topic : List.of(TopicAdmin.changeTopic(kafka, "c"), TopicAdmin.warmTopic(kafka, "w"),
                    TopicAdmin.deadLetterTopic(kafka, "d"), TopicAdmin.watermarkTopic(kafka, "m"),
                    TopicAdmin.topic(kafka, "t", 1, Map.of()))) {
                assertThat(topic.replicationFactor()).as(topic.name()).isEqualTo((short) factor);
                assertThat(topic.configs()).as(topic.name())
                        .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, factor)));
            }
        }
    }

    @Test
    void aChangeTopic_isCompacted_takesLargeChanges_whoeverCreatesIt_andKeepsMinInSyncReplicas() {
        NewTopic topic = TopicAdmin.changeTopic(kafka(3), "c");

        assertThat(topic.configs()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024))
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        assertThat(topic.numPartitions()).isEqualTo(3);
        assertThat(TopicAdmin.deadLetterTopic(kafka(3), "d").configs()).as("a dead letter is a change as it was read")
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
    }
}
