package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code cachepipe resnapshot} on real servers: a stretch of a table's changes is lost, the cache is
 * stale for it, and an incremental snapshot of the table makes every key of its views right again.
 *
 * <p>How the changes are lost: the invalidator is stopped, rows are updated and cdc-capture publishes
 * the changes, and the invalidator's committed offsets are then moved past them (what a release that
 * consumed without applying, or a mistaken {@code kafka-consumer-groups --reset-offsets --to-latest},
 * leaves). The cached values keep their old, honest versions; no later change of those rows comes,
 * so nothing but a re-read fixes them, and the audit shows it did. Writing a wrong value into Redis
 * under a version no change supersedes would not do: a re-read cannot (and must not) beat it either.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResnapshotIT {
    private static final int PRODUCTS = 80;
    private static final int CATEGORIES = 4;
    private ExamplePipeline catalog;
    private DevStack stack;
    private TestNamespace namespace;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        this.stack = stack;
        this.namespace = namespace;
        catalog = ExamplePipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES);
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void lostChangesOfATable_resnapshotRereadsItsRows_andEveryKeyOfItsViewsIsRightAgain() throws Exception {
        List<CacheKey> keys = readEverything();
        await("every read value cached").atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertCachedAsInTheDatabase(keys));
        assertThat(audit().verdict()).isEqualTo(AuditReport.Verdict.CLEAN);

        catalog.pipeline().stopConsumers();
        String group = catalog.pipeline().config().invalidator().applicationId();
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            catalog.jdbc().update("UPDATE products SET price = price + 100 WHERE id <= 20");
            catalog.jdbc().update("UPDATE products SET category_id = CASE WHEN category_id = 4 THEN 3 ELSE 4 END WHERE id = 21");
            await("cdc-capture to publish the 21 updates").atMost(Duration.ofSeconds(60))
                    .until(() -> updatesPublishedAfter(committed).containsAll(LongStream.rangeClosed(1, 21).boxed().toList()));
            skipEverythingPublished(admin, group);
        }
        catalog.pipeline().startConsumers();
        AuditReport stale = audit();
        System.out.print(stale.render());
        assertThat(stale.verdict()).as("the lost changes left the cache stale").isEqualTo(AuditReport.Verdict.INCOHERENT);
        assertThat(stale.incoherent()).isGreaterThanOrEqualTo(20);

        Cli.Result resnapshot = Cli.run(catalog.settings(), "resnapshot", "--table", "public.products", "--timeout", "120s");
        System.out.print(resnapshot.text());

        assertThat(resnapshot.exit()).as(resnapshot.text()).isZero();
        assertThat(resnapshot.out()).contains("public.products: re-read every row; refreshes the keys of product, category-products, category")
                .contains(PRODUCTS + " rows re-read (SUCCEEDED)").contains("completed").contains("applied");
        await("every key of the table's views right again").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertCachedAsInTheDatabase(keys);
            AuditReport after = audit();
            assertThat(after.verdict()).as(after.render()).isEqualTo(AuditReport.Verdict.CLEAN);
        });
    }

    @Test
    void aTableNoViewReads_exits2NamingTheDeclaredTables_andADryRunSendsNoSignal() throws Exception {
        Cli.Result undeclared = Cli.run(catalog.settings(), "resnapshot", "--table", "public.orders");
        assertThat(undeclared.exit()).as(undeclared.text()).isEqualTo(2);
        assertThat(undeclared.err()).contains("--table public.orders: no view reads it")
                .contains("public.categories, public.products, public.reviews");

        long signals = signals();
        Cli.Result dry = Cli.run(catalog.settings(), "resnapshot", "--table", "reviews", "--dry-run");
        assertThat(dry.exit()).as(dry.text()).isZero();
        assertThat(dry.out()).contains("public.reviews: re-read every row; refreshes the keys of product-reviews")
                .contains("dry run: no signal written into public.cachepipe_signal");
        assertThat(signals()).isEqualTo(signals);
    }

    /** Reads every product, the first two listing pages and the aggregate of every category, through the API. */
    private List<CacheKey> readEverything() throws Exception {
        List<CacheKey> keys = new ArrayList<>();
        for (long id = 1; id <= PRODUCTS; id++) {
            catalog.get("/products/" + id);
            keys.add(catalog.key("product", Map.of("id", id)));
        }
        for (long category = 1; category <= CATEGORIES; category++) {
            for (int page = 1; page <= 2; page++) {
                catalog.get("/categories/" + category + "/products?page=" + page);
                keys.add(catalog.key("category-products", Map.of("category_id", category, "page", page)));
            }
            catalog.get("/categories/" + category);
            keys.add(catalog.key("category", Map.of("id", category)));
        }
        return keys;
    }

    private void assertCachedAsInTheDatabase(List<CacheKey> keys) throws Exception {
        for (CacheKey key : keys) {
            assertThat(catalog.cached(key)).as(key.redisKey()).isEqualTo(catalog.expected(key));
        }
    }

    private AuditReport audit() {
        return catalog.pipeline().audit().run(new CacheAudit.Options(List.of(), 1.0, Duration.ofSeconds(20), 5));
    }

    private long signals() {
        return catalog.jdbc().queryValue(Long.class, "SELECT count(*) FROM public.cachepipe_signal");
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()));
    }

    /** The product ids of the updates on the products topic after the group's committed offsets, read from the topic itself. */
    private Set<Long> updatesPublishedAfter(Map<TopicPartition, OffsetAndMetadata> committed) {
        String topic = namespace.topicPrefix() + ".public.products";
        Set<Long> ids = new HashSet<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(), ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = committed.keySet().stream().filter(partition -> partition.topic().equals(topic)).toList();
            consumer.assign(partitions);
            partitions.forEach(partition -> consumer.seek(partition, committed.get(partition).offset()));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode change = record.value() == null ? null : Json.mapper().readTree(record.value());
                    if (change != null && "u".equals(change.path("op").asText())) {
                        ids.add(change.path("after").path("id").asLong());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ids;
    }

    /** Commits the end of every partition the group has an offset for: the changes published so far are never applied. */
    private static void skipEverythingPublished(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
        admin.alterConsumerGroupOffsets(group, ends).all().get();
    }
}
