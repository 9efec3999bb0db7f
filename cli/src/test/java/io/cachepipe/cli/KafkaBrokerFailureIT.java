package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.KafkaClusterStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole pipeline on a three-broker Kafka ({@link KafkaClusterStack}: three JVMs, replication factor 3,
 * {@code min.insync.replicas} 2, {@code kafka.replication-factor = 3}): the broker that leads the products
 * change topic is SIGKILLed while writers change products in PostgreSQL and readers read through the API,
 * and comes back later. Afterwards every product, listing page and category the API serves equals the
 * database (an oracle of plain JDBC), and the audit finds nothing incoherent or unconfirmed. A change made
 * right after the kill, and one right after the restart, are timed until the API serves them.
 */
@WithDevStack
@FaultScenario
@Timeout(480)
class KafkaBrokerFailureIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int WRITES_AROUND_FAILURE = 150;
    /** The writers leave it alone: its name carries the markers that time the pipeline. */
    private static final long MARKER_PRODUCT = 1;

    @Test
    void theChangeTopicLeaderKilledUnderWrites_leavesEveryServedValueEqualToTheDatabase_andTheAuditClean(DevStack stack,
            TestNamespace namespace) throws Exception {
        try (var kafka = KafkaClusterStack.start(Path.of("target", "kafka-cluster-" + namespace.name()));
             var catalog = ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                     connection -> CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 13),
                     Map.of("kafka.bootstrap", kafka.bootstrapServers(), "kafka.replication-factor", "3"))) {
            String changeTopic = namespace.topicPrefix() + ".public.products";
            assertEveryTopicReplicated(kafka.bootstrapServers(), namespace.name());
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.inSyncReplicasOf(changeTopic, 0).size() == KafkaClusterStack.NODES);
            try (var traffic = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, MARKER_PRODUCT + 1, 7)) {
                traffic.awaitWrites(0, WRITES_AROUND_FAILURE, Duration.ofSeconds(60));
                int leader = kafka.leaderOf(changeTopic, 0);
                kafka.kill(leader);
                long atKill = traffic.writes();
                long servedAfterKill = markAndAwaitServed(catalog, "after-kill");
                int newLeader = kafka.leaderOf(changeTopic, 0);
                System.out.printf("broker %d (leader of %s-0) SIGKILLed after %d writes and %d reads; new leader %d; a change made"
                        + " right after the kill was served %d ms later%n", leader, changeTopic, atKill, traffic.reads(), newLeader,
                        servedAfterKill);
                traffic.awaitWrites(atKill, WRITES_AROUND_FAILURE, Duration.ofSeconds(120));

                long restarting = System.nanoTime();
                kafka.start(leader);
                long restartMillis = millisSince(restarting);
                long atRestart = traffic.writes();
                long servedAfterRestart = markAndAwaitServed(catalog, "after-restart");
                System.out.printf("broker %d back as a live broker in %d ms (%d writes while it was down); a change made then was"
                        + " served %d ms later%n", leader, restartMillis, atRestart - atKill, servedAfterRestart);
                traffic.awaitWrites(atRestart, WRITES_AROUND_FAILURE, Duration.ofSeconds(120));
                traffic.close();
                long catchingUp = System.nanoTime();
                catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(120));
                long caughtUpMillis = millisSince(catchingUp);
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka.inSyncReplicasOf(changeTopic, 0).contains(leader));
                AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
                System.out.printf("%d writes, %d reads (%d failed or 5xx); caught up %d ms after the writers stopped; audit:%n%s%n",
                        traffic.writes(), traffic.reads(), traffic.readFailures(), caughtUpMillis, audit.render());

                assertThat(newLeader).isNotIn(leader, -1);
                traffic.assertServedEqualsDatabase();
                assertThat(audit.coherent()).as(audit.render()).isTrue();
                assertThat(audit.unconfirmed()).as(audit.render()).isZero();
                assertThat(audit.checked()).isPositive();
            }
        }
    }

    /**
     * Renames the marker product and waits until the API serves the new name: the time a change takes
     * through capture, the change topic, the invalidator and a refill. Answers milliseconds.
     */
    private static long markAndAwaitServed(ExamplePipeline catalog, String marker) {
        long start = System.nanoTime();
        String name = marker + "-" + start;
        catalog.jdbc().update("UPDATE products SET name = ?, updated_at = now() WHERE id = ?", name, MARKER_PRODUCT);
        await().atMost(Duration.ofSeconds(120)).until(() -> catalog.get("/products/" + MARKER_PRODUCT).body().contains(name));
        return millisSince(start);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /**
     * Every topic of the namespace (change topics, Debezium's offsets and heartbeats, Kafka Streams' internal topics if
     * any, ...) has 3 replicas and {@code min.insync.replicas} 2.
     */
    private static void assertEveryTopicReplicated(String bootstrap, String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.contains(prefix)).collect(Collectors.toCollection(TreeSet::new));
            System.out.printf("topics on the cluster: %s%n", topics);
            assertThat(topics).contains(prefix + ".public.products", prefix + ".cdc-offsets", prefix + ".warm",
                    "__debezium-heartbeat." + prefix);
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                    assertThat(description.partitions()).as(name).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3)));
            admin.describeConfigs(topics.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all()
                    .get(30, TimeUnit.SECONDS).forEach((resource, config) -> assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
                            .value()).as(resource.name()).isEqualTo("2"));
        }
    }
}
