package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.devstack.RedisClusterStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The same scripts on a three-node Redis Cluster: a group's keys, index and version share a hash
 * tag, so each script runs on one node, and groups spread over the nodes.
 */
@Tag("integration")
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterCacheStoreIT {
    private final ViewCatalog catalog = TestViews.catalog();
    private final ViewDefinition listing = catalog.view("category-products").orElseThrow();
    private final ViewDefinition product = catalog.view("product").orElseThrow();
    private RedisClusterStack cluster;
    private RedisConnector connector;
    private CacheStore store;
    private KeySpace keys;

    @BeforeAll
    void startCluster() {
        cluster = RedisClusterStack.start(Path.of("target", "redis-cluster"));
        var config = new RedisConfig(URI.create("redis://127.0.0.1:6379"), cluster.seedUris().stream().map(URI::create).toList(),
                "cp:", Duration.ofSeconds(2));
        connector = RedisConnector.connect(config);
        keys = new KeySpace("cp:", catalog);
        store = new CacheStore(connector, keys, new CacheConfig(true, "unused", Duration.ofSeconds(2), Duration.ofSeconds(60)),
                Clock.systemUTC(), RandomGenerator.getDefault());
    }

    @AfterAll
    void stopCluster() {
        if (connector != null) {
            connector.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void groupsOnEveryNode_areInvalidatedAtomically_andOnlyTheirOwnKeys() {
        List<CacheKey> pages = new ArrayList<>();
        for (long category = 1; category <= 30; category++) {
            for (int page = 1; page <= 3; page++) {
                CacheKey key = keys.key(listing, Map.of("category_id", category, "page", page));
                pages.add(key);
                assertThat(store.write(key, new Version(1), "[]".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join()).isTrue();
            }
        }
        long distinctSlots = pages.stream().map(key -> io.lettuce.core.cluster.SlotHash.getSlot(key.redisKey())).distinct().count();
        assertThat(distinctSlots).as("30 groups spread over the cluster").isGreaterThan(20);

        List<CacheKey> toWarm = store.invalidateGroup(listing, keys.group(listing, Map.of("category_id", 7L)), new Version(2))
                .toCompletableFuture().join();

        assertThat(toWarm).extracting(CacheKey::redisKey).containsExactlyInAnyOrder(
                "cp:{category:7}:products:page:1", "cp:{category:7}:products:page:2", "cp:{category:7}:products:page:3");
        for (CacheKey key : pages) {
            boolean inGroup = key.params().get("category_id").equals(7L);
            assertThat(store.read(key).toCompletableFuture().join())
                    .as(key.redisKey()).isInstanceOf(inGroup ? ReadResult.Leased.class : ReadResult.Hit.class);
        }
    }

    @Test
    void leasesAndWholeViewInvalidation_workAcrossNodes() {
        CacheKey key = keys.key(product, Map.of("id", 42L));
        var lease = (ReadResult.Leased) store.read(key).toCompletableFuture().join();
        store.invalidate(key, new Version(5)).toCompletableFuture().join();
        assertThat(store.fill(key, lease, "{}".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join()).isFalse();
        for (long id = 100; id < 120; id++) {
            store.write(keys.key(product, Map.of("id", id)), new Version(5), "{}".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
        }
        assertThat(store.invalidateView(product, new Version(6)).toCompletableFuture().join()).hasSize(20);
    }

    /** Keys of their own (ids from 1001, categories from 101): the class shares one cluster and namespace. */
    @Test
    void aBatchSpreadOverEveryNode_goesAsOneScriptCallPerSlot_andAnswersInOrder() {
        CacheBatch writes = store.batch();
        for (long id = 1001; id <= 1300; id++) {
            writes.write(keys.key(product, Map.of("id", id)), new Version(10), ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8));
        }
        for (long category = 101; category <= 110; category++) {
            writes.write(keys.key(listing, Map.of("category_id", category, "page", 1)), new Version(10), "[]".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(writes.execute().toCompletableFuture().join()).hasSize(310).allMatch(CacheBatch.Outcome::applied);

        CacheBatch changes = store.batch();
        changes.replace(keys.key(product, Map.of("id", 1001L)), new Version(11), "{\"id\":1001,\"new\":true}".getBytes(StandardCharsets.UTF_8));
        changes.invalidate(keys.key(product, Map.of("id", 1002L)), new Version(11), true);
        changes.invalidateGroup(listing, keys.group(listing, Map.of("category_id", 103L)), new Version(11));
        changes.invalidate(keys.key(product, Map.of("id", 1004L)), new Version(9), true);
        List<CacheBatch.Outcome> outcomes = changes.execute().toCompletableFuture().join();

        assertThat(outcomes.get(0).applied()).as("replaced").isTrue();
        assertThat(outcomes.get(1).toWarm()).extracting(CacheKey::redisKey).containsExactly("cp:product:1002");
        assertThat(outcomes.get(2).toWarm()).extracting(CacheKey::redisKey).containsExactly("cp:{category:103}:products:page:1");
        assertThat(outcomes.get(3).applied()).as("older than the cached value").isFalse();
        assertThat(store.peek(keys.key(product, Map.of("id", 1001L))).toCompletableFuture().join())
                .hasValueSatisfying(hit -> assertThat(new String(hit.value(), StandardCharsets.UTF_8)).contains("new"));
        assertThat(store.peek(keys.key(product, Map.of("id", 1004L))).toCompletableFuture().join()).isPresent();
    }
}
