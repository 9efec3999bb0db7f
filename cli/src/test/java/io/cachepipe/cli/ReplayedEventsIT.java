package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.kafka.WarmRequestSerde;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.testsupport.KafkaTopics;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * At-least-once delivery means every event may come again, late and out of order. On real servers,
 * change events re-sent (in order, then newest first) and warm requests older than what the cache
 * holds must change nothing: the cache stays equal to the database.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayedEventsIT {
    private ExamplePipeline catalog;
    private KafkaTopics kafka;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        catalog = ExamplePipeline.catalog(stack, namespace, 100, 5);
        kafka = KafkaTopics.on(stack.kafka());
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void changeEventsDeliveredAgain_inOrderAndNewestFirst_changeNothing() throws Exception {
        List<CacheKey> keys = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            keys.add(catalog.key("product", Map.of("id", id)));
            catalog.get("/products/" + id);
        }
        for (long category = 1; category <= 5; category++) {
            keys.add(catalog.key("category-products", Map.of("category_id", category, "page", 1)));
            catalog.get("/categories/" + category + "/products");
        }
        for (int round = 0; round < 3; round++) {
            catalog.jdbc().update("UPDATE products SET price = price + 1, updated_at = now() WHERE id <= 40");
        }
        catalog.jdbc().update("UPDATE products SET category_id = 1 + category_id % 5 WHERE id = 10");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        assertEqualToDatabase(keys);
        double processedBefore = counted(MetricNames.INVALIDATOR_CHANGES);

        String topic = new Topics(catalog.settings().get("kafka.topic-prefix")).change(TableName.parse("public.products"));
        List<ConsumerRecord<String, String>> changes = kafka.readAll(topic).stream()
                .filter(record -> record.key() != null)
                .toList();
        assertThat(changes).hasSizeGreaterThanOrEqualTo(121);
        changes.forEach(record -> kafka.send(topic, record.key(), record.value()));
        List<ConsumerRecord<String, String>> newestFirst = new ArrayList<>(changes);
        Collections.reverse(newestFirst);
        newestFirst.forEach(record -> kafka.send(topic, record.key(), record.value()));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> counted(MetricNames.INVALIDATOR_CHANGES) >= processedBefore + 2 * changes.size());
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));

        System.out.printf("re-delivered %d change events twice (in order, then newest first)%n", changes.size());
        assertEqualToDatabase(keys);
        AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
        assertThat(audit.coherent()).as(audit.render()).isTrue();
    }

    @Test
    void aWarmRequestOlderThanTheCachedValue_isNotEvenLoaded() throws Exception {
        CacheKey key = catalog.key("product", Map.of("id", 60L));
        catalog.get("/products/60");
        catalog.jdbc().update("UPDATE products SET stock = stock + 3, updated_at = now() WHERE id = 60");
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        ReadResult.Hit cached = catalog.pipeline().store().peek(key).toCompletableFuture().join().orElseThrow();
        Version older = new Version(cached.version().lsn() - 1);
        double currentBefore = counted(MetricNames.WARMER_LOADS, "result", "current");
        double queriesBefore = counted(MetricNames.WARMER_QUERIES);

        var late = new WarmRequest("product", Map.of("id", 60L), older, 0);
        byte[] value = new WarmRequestSerde(Json.mapper()).serializer().serialize("", late);
        kafka.send(new Topics(catalog.settings().get("kafka.topic-prefix")).warm(), key.redisKey(),
                new String(value, StandardCharsets.UTF_8));

        await().until(() -> counted(MetricNames.WARMER_LOADS, "result", "current") > currentBefore);
        assertThat(counted(MetricNames.WARMER_QUERIES)).as("database queries of the warmer").isEqualTo(queriesBefore);
        ReadResult.Hit after = catalog.pipeline().store().peek(key).toCompletableFuture().join().orElseThrow();
        assertThat(after.version()).isEqualTo(cached.version());
        assertThat(catalog.cached(key)).isEqualTo(catalog.expected(key));
    }

    private void assertEqualToDatabase(List<CacheKey> keys) throws Exception {
        for (CacheKey key : keys) {
            String cached = catalog.cached(key);
            if (cached != null) {
                assertThat(cached).as(key.redisKey()).isEqualTo(catalog.expected(key));
            }
        }
    }

    private double counted(String name, String... tags) {
        return catalog.pipeline().metrics().find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
