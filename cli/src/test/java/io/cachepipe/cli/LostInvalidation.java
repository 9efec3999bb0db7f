package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.testsupport.PartProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A defect planted on purpose, to see a fault test's checks fail: one change lost as a bug or an
 * operator's mistake would lose it ({@code -Dsoak.plant-lost-invalidation=true} and the like).
 */
final class LostInvalidation {
    private LostInvalidation() {
    }

    /**
     * With every invalidator stopped ({@code running} is the only one alive; it is stopped, which leaves
     * the group so that its offsets can be moved), updates a product and moves the group's committed
     * offsets past the change once it is on the topic, then starts {@code running} again.
     *
     * @return what was lost, for the test's output
     */
    static String plant(ChildPipeline pipeline, PartProcess running) throws Exception {
        running.stop();
        String group = pipeline.config().invalidator().applicationId();
        String topic = pipeline.config().kafka().topicPrefix() + ".public.products";
        Long id = pipeline.jdbc().queryValue(Long.class, "SELECT min(id) FROM products"); // writers may have deleted some
        try (Admin admin = TopicAdmin.admin(pipeline.config().kafka())) {
            Map<TopicPartition, Long> before = ends(admin, topic);
            assertThat(pipeline.jdbc().update("UPDATE products SET name = name || ' (lost)' WHERE id = ?", id)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> !ends(admin, topic).equals(before));
            Map<TopicPartition, OffsetAndMetadata> skipped = new HashMap<>();
            ends(admin, topic).forEach((partition, end) -> skipped.put(partition, new OffsetAndMetadata(end)));
            // The group empties once a killed member's session has expired too.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> admin.alterConsumerGroupOffsets(group, skipped).all().get());
        }
        running.start();
        running.awaitReady(Duration.ofSeconds(60));
        return "product " + id + " renamed in PostgreSQL, its change skipped by the invalidator";
    }

    private static Map<TopicPartition, Long> ends(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }
}
