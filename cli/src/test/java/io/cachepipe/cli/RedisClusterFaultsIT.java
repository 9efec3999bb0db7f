package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.RedisClusterStack;
import io.cachepipe.devstack.SlotMigration;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole pipeline on a Redis Cluster of three masters with a replica each ({@code redis.cluster-nodes}),
 * through two faults while a writer changes products in PostgreSQL and a reader reads through the API:
 *
 * <ol>
 *   <li>A master fails over with writes its replica never had: with the pipeline caught up and the writer
 *       paused, the replica is stopped (SIGSTOP) and its
 *       link to the master closed (so that nothing more reaches even its socket buffer), every
 *       product changes in one transaction, and once the master has taken the invalidations of the products
 *       it serves (or after 1.8 s, when the invalidator waits for the replica instead), it is SIGKILLed and the
 *       replica continued, so the replica
 *       promoted in its place lacks the master's last writes, as after any crash under asynchronous
 *       replication. Invalidations among them would be lost for good, and their entries stale, had the
 *       invalidator not waited for a replica's acknowledgement before treating them as applied. The
 *       writer and reader go on through the failover, and the killed node rejoins as a replica.</li>
 *   <li>The slot of a category's listing pages (they share a hash tag) moves to another master key by
 *       key, so that clients meet ASK, TRYAGAIN and then MOVED while changes invalidate those pages.</li>
 * </ol>
 *
 * <p>After each, once the pipeline has caught up, every product, listing page and category the API
 * serves equals the database (an oracle of plain JDBC) and the audit finds nothing incoherent or
 * unconfirmed; and no change was dead-lettered.
 */
@WithDevStack
@FaultScenario
@Timeout(600)
class RedisClusterFaultsIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int WRITES_AROUND_FAULT = 150;
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    /** The longest the replica stays stopped and cut off: below the 2 s cluster-node-timeout of the stack. */
    private static final Duration CUT_OFF = Duration.ofMillis(1_800);

    @Test
    void aTornMasterFailover_thenASlotMigration_underWrites_leaveEveryServedValueEqualToTheDatabase(DevStack stack,
            TestNamespace namespace) throws Exception {
        try (var cluster = RedisClusterStack.startWithReplicas(Path.of("target", "redis-cluster-" + namespace.name()));
             var catalog = ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                     connection -> CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 17),
                     // 2 s, not 500 ms: six Redis servers, PostgreSQL, Kafka and the pipeline share two busy cores here
                     Map.of("redis.cluster-nodes", String.join(",", cluster.seedUris()), "redis.timeout", "2s"))) {
            tornFailover(cluster, catalog);
            assertCoherent(catalog, "after the failover");
            slotMigration(cluster, catalog, namespace);
            assertCoherent(catalog, "after the slot migration");
            assertThat(catalog.pipeline().metrics().find(MetricNames.DEAD_LETTERS).counters())
                    .as("changes dead-lettered: their effects were never applied").allSatisfy(counter -> assertThat(counter.count()).isZero());
        }
    }

    private static void tornFailover(RedisClusterStack cluster, ExamplePipeline catalog) throws Exception {
        try (var before = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, 1, 5)) {
            before.awaitWrites(0, WRITES_AROUND_FAULT, Duration.ofSeconds(120));
        }
        // The writer pauses and the pipeline catches up, so that what the master takes while its replica is cut off is the
        // bulk change below, nearly all of it at once.
        catalog.pipeline().awaitCaughtUp(RECOVERY);
        int master = cluster.masterPorts().getFirst();
        int replica = cluster.replicaOf(master);
        int slot = anySlotOf(cluster, master);
        Map<CacheKey, Version> cachedOnMaster = cachedOn(cluster, catalog, master);
        long stopped = System.nanoTime();
        cluster.stop(replica);
        cluster.disconnectReplicas(master);
        boolean tookThem = false;
        try {
            // Every product changes in one transaction. Without waiting for replicas the invalidator applies them on the
            // master at once, which its cut-off replica does not get; with it, it applies nothing the replica did not
            // acknowledge and waits. So: until the master took them, or for at most CUT_OFF (below the cluster's node
            // timeout: a replica the cluster calls failed is not waited for, and its promotion after that a second fault).
            catalog.jdbc().update("UPDATE products SET stock = stock + 1000, updated_at = now()");
            await().atMost(Duration.ofSeconds(30)).until(() -> invalidatedSince(catalog, cachedOnMaster)
                    || System.nanoTime() - stopped > CUT_OFF.toNanos());
            tookThem = invalidatedSince(catalog, cachedOnMaster);
        } finally {
            cluster.kill(master);
            cluster.resume(replica);
        }
        long killed = System.nanoTime();
        try (var traffic = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, 1, 6)) {
            int promoted = cluster.awaitFailover(master, slot, RECOVERY);
            System.out.printf("replica %d stopped and cut off for %d ms (every product changed meanwhile; the master took their"
                    + " invalidations: %s), then master %d SIGKILLed:"
                    + " replica %d serves its slots and every node reports cluster_state:ok %d ms later%n", replica,
                    (killed - stopped) / 1_000_000, tookThem, master, promoted, millisSince(killed));
            traffic.awaitWrites(0, WRITES_AROUND_FAULT, RECOVERY);
            long restarting = System.nanoTime();
            cluster.restart(master, RECOVERY);
            System.out.printf("node %d back as a replica of %d, in sync, in %d ms%n", master, cluster.masterOf(slot),
                    millisSince(restarting));
            traffic.awaitWrites(traffic.writes(), WRITES_AROUND_FAULT, RECOVERY);
            report(catalog, traffic, "failover", killed);
            assertThat(promoted).isEqualTo(replica);
        }
    }

    private static void slotMigration(RedisClusterStack cluster, ExamplePipeline catalog, TestNamespace namespace) throws Exception {
        String page = catalog.key("category-products", Map.of("category_id", 2L, "page", 1)).redisKey();
        int slot = cluster.slotOf(page);
        int source = cluster.masterOf(slot);
        int target = cluster.masterPorts().stream().filter(port -> port != source).findFirst().orElseThrow();
        try (var traffic = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, 1, 9)) {
            traffic.awaitWrites(0, WRITES_AROUND_FAULT, Duration.ofSeconds(120));
            long started = System.nanoTime();
            SlotMigration migration = cluster.migrate(slot, target);
            long keysAtStart = migration.keysLeft();
            // One key at a time, the traffic going on between keys: the slot's keys stay split between the two
            // masters for a while, so scripts over them meet ASK and TRYAGAIN.
            while (migration.moveKeys(1) > 0) {
                traffic.awaitWrites(traffic.writes(), 10, RECOVERY);
            }
            long moved = migration.finish();
            long migrationMs = millisSince(started);
            System.out.printf("slot %d of %s (%d keys at the start, %d moved) migrated from %d to %d key by key in %d ms%n", slot,
                    namespace.keyPrefix() + "{category:2}", keysAtStart, moved, source, target, migrationMs);
            traffic.awaitWrites(traffic.writes(), WRITES_AROUND_FAULT, RECOVERY);
            report(catalog, traffic, "migration", started);
            assertThat(cluster.masterOf(slot)).isEqualTo(target);
            assertThat(moved).as("keys of the slot that moved").isPositive();
        }
    }

    private static void report(ExamplePipeline catalog, CatalogTraffic traffic, String fault, long faultStarted) throws Exception {
        traffic.close();
        catalog.pipeline().awaitCaughtUp(RECOVERY);
        System.out.printf("%s: %d writes, %d reads, %d failed or 5xx; pipeline caught up %d ms after the fault began%n", fault,
                traffic.writes(), traffic.reads(), traffic.readFailures(), millisSince(faultStarted));
        traffic.assertServedEqualsDatabase();
    }

    private static void assertCoherent(ExamplePipeline catalog, String when) {
        AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
        System.out.printf("audit %s:%n%s%n", when, audit.render());
        assertThat(audit.coherent()).as(audit.render()).isTrue();
        assertThat(audit.unconfirmed()).as(audit.render()).isZero();
        assertThat(audit.checked()).isPositive();
    }

    /** The version of every product cached on the master on {@code port}. */
    private static Map<CacheKey, Version> cachedOn(RedisClusterStack cluster, ExamplePipeline catalog, int port) throws Exception {
        Map<CacheKey, Version> cached = new HashMap<>();
        for (long id = 1; id <= PRODUCTS; id++) {
            CacheKey key = catalog.key("product", Map.of("id", id));
            if (cluster.masterOf(cluster.slotOf(key.redisKey())) == port) {
                catalog.pipeline().store().peek(key).toCompletableFuture().join().ifPresent(hit -> cached.put(key, hit.version()));
            }
        }
        assertThat(cached).as("products cached on master " + port).isNotEmpty();
        return cached;
    }

    /** True once none of these keys holds the version it held: each was invalidated (and perhaps filled again) since. */
    private static boolean invalidatedSince(ExamplePipeline catalog, Map<CacheKey, Version> before) {
        return before.entrySet().stream().allMatch(entry -> catalog.pipeline().store().peek(entry.getKey()).toCompletableFuture().join()
                .map(hit -> !hit.version().equals(entry.getValue())).orElse(true));
    }

    /** A slot the master on {@code port} serves: the first slot of the first of the three even ranges it started with. */
    private static int anySlotOf(RedisClusterStack cluster, int port) throws Exception {
        for (int slot = 0; slot < RedisClusterStack.SLOTS; slot += RedisClusterStack.SLOTS / 3) {
            if (cluster.masterOf(slot) == port) {
                return slot;
            }
        }
        throw new IllegalStateException("master " + port + " serves none of the slots tried");
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
