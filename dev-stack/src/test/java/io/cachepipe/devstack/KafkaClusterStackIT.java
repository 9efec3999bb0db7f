package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three Kafka nodes in three JVMs: a topic replicated to all three takes acks=all writes while its leader
 * is SIGKILLed (another in-sync replica takes over), and the killed node comes back on its old ports and
 * rejoins the ISR.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KafkaClusterStackIT {
    private static final Path ROOT = Path.of(System.getProperty("cachepipe.devstack.dir", "target/dev-stack"));

    @Test
    void aKilledLeader_isReplaced_andRejoinsTheIsrAfterARestart() throws Exception {
        try (KafkaClusterStack kafka = KafkaClusterStack.start(ROOT.resolve("cluster-it"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 3)
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")))).all().get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("orders", "k", "before")).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> kafka.inSyncReplicasOf("orders", 0).size() == 3);

            int leader = kafka.leaderOf("orders", 0);
            assertThat(kafka.brokerIds()).contains(leader);
            kafka.kill(leader);
            assertThat(kafka.isRunning(leader)).isFalse();
            producer.send(new ProducerRecord<>("orders", "k", "during")).get(60, TimeUnit.SECONDS);
            assertThat(kafka.leaderOf("orders", 0)).isNotIn(leader, -1);

            kafka.start(leader);
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.inSyncReplicasOf("orders", 0).contains(leader));
            producer.send(new ProducerRecord<>("orders", "k", "after")).get(30, TimeUnit.SECONDS);
        }
    }
}
