package io.cachepipe.demo;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's "Re-snapshot a table" block as an operator runs it, against a demo, after a
 * stretch of the products table's changes was lost: the invalidator's offsets moved past changes it
 * never applied ({@link RunbookIT} has the other scenarios; this one needs a demo of its own only to
 * keep that class readable).
 */
@WithDevStack
class LostChangesRunbookIT {
    private static final int PRODUCTS = 120;
    private static final int CATEGORIES = 4;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void lostChanges_resnapshotOfTheTable_makesTheAuditCleanAgain(DevStack stack, TestNamespace namespace) throws Exception {
        Path home = Path.of("target", "runbook-lost", namespace.name()).toAbsolutePath();
        Map<String, String> ownNamespace = PipelineSettings.of(stack, namespace, ExampleSchema.CATALOG.viewsLocation());
        ownNamespace.put("invalidator.commit-interval", "200ms");
        try (Demo demo = Demo.start(stack, new Demo.Options(home.resolve(".cachepipe"), PRODUCTS, CATEGORIES, 0, ownNamespace),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            demo.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
            var dataSource = new org.postgresql.ds.PGSimpleDataSource();
            dataSource.setURL(namespace.jdbcUrl());
            dataSource.setUser(stack.postgres().user());
            dataSource.setPassword(stack.postgres().password());
            var loader = new ViewLoader(dataSource);
            List<CacheKey> keys = LongStream.rangeClosed(1, 30).mapToObj(id -> demo.pipeline().store().keySpace()
                    .key(demo.pipeline().catalog().view("product").orElseThrow(), Map.of("id", id))).toList();
            for (CacheKey key : keys) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.pipeline().apiPort() + "/products/"
                        + key.params().get("id"))).GET().build(), HttpResponse.BodyHandlers.ofString());
            }
            await().untilAsserted(() -> assertCached(demo, loader, keys));

            // The lost stretch: the invalidator is stopped, the changes are published, its offsets move past them.
            demo.pipeline().stopConsumers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
                String group = demo.pipeline().config().invalidator().applicationId();
                Map<TopicPartition, Long> before = ends(admin, committedPartitions(admin, group));
                namespace.jdbc().update("UPDATE products SET price = price + 100 WHERE id <= 30");
                await("cdc-capture to publish the changes").atMost(Duration.ofSeconds(60))
                        .until(() -> updatesAfter(stack, before) >= keys.size());
                Map<TopicPartition, OffsetAndMetadata> skipped = new HashMap<>();
                ends(admin, before.keySet()).forEach((partition, end) -> skipped.put(partition, new OffsetAndMetadata(end)));
                admin.alterConsumerGroupOffsets(group, skipped).all().get();
            }
            demo.pipeline().startConsumers();

            List<Terminal.Step> steps = new Terminal(home, Map.of()).run(Runbook.block(Runbook.OPERATIONS, "lost-changes"));

            steps.forEach(step -> assertThat(step.result().exit()).as(step.describe()).isEqualTo(step.line().expectedExit()));
            assertThat(steps.get(0).result().out()).contains("INCOHERENT");
            assertThat(steps.get(1).result().out()).contains("refreshes the keys of product, category-products, category")
                    .contains("dry run: no signal written");
            assertThat(steps.get(2).result().out()).contains(PRODUCTS + " rows re-read (SUCCEEDED)").contains("applied");
            assertThat(steps.get(3).result().out()).contains("CLEAN");
            assertCached(demo, loader, keys);
        }
    }

    private static void assertCached(Demo demo, ViewLoader loader, List<CacheKey> keys) throws Exception {
        for (CacheKey key : keys) {
            String cached = demo.pipeline().store().peek(key).toCompletableFuture().join()
                    .map(hit -> new String(hit.value(), StandardCharsets.UTF_8)).orElse(null);
            assertThat(cached).as(key.redisKey()).isEqualTo(new String(loader.load(key.view(), key.params()), StandardCharsets.UTF_8));
        }
    }

    /** Update events on the change topics after {@code from}, read from the topics. */
    private static long updatesAfter(DevStack stack, Map<TopicPartition, Long> from) {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(), ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet());
            long updates = 0;
            while (from.keySet().stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && new String(record.value(), StandardCharsets.UTF_8).contains("\"op\":\"u\"")) {
                        updates++;
                    }
                }
            }
            return updates;
        }
    }

    private static List<TopicPartition> committedPartitions(Admin admin, String group) throws Exception {
        return List.copyOf(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet());
    }

    private static Map<TopicPartition, Long> ends(Admin admin, java.util.Collection<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }
}
