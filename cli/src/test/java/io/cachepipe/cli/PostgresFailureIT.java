package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole pipeline while PostgreSQL itself fails, under a writer (JDBC) and a reader (the API):
 * the server is stopped and started again on the same data directory and port, and, in the second
 * test, the walsender that streams cachepipe's slot is terminated. After each fault cdc-capture
 * streams again by itself, and once the pipeline has caught up every product, listing page and
 * category the API serves equals the database (plain JDBC, {@link CatalogOracle}) and the audit finds
 * nothing incoherent or unconfirmed. While the database is down a value the cache holds is still
 * served from the cache; only reads that need the database may fail.
 */
@WithDevStack
@FaultScenario
@Timeout(600)
class PostgresFailureIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int WRITES_AROUND_FAULT = 150;
    /** Bounds how long PostgreSQL stays down: this many failed writes after the stop. */
    private static final int FAILED_WRITES_WHILE_DOWN = 100;
    /** The writer leaves it alone: a cached value the test reads while the database is down, and the marker it renames. */
    private static final long MARKER_PRODUCT = 1;

    @Test
    void postgresStoppedAndStartedUnderWritesAndReads_captureStreamsAgain_andEveryServedValueEqualsTheDatabase(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) throws Exception {
        try (var catalog = catalog(stack, namespace)) {
            assertThat(catalog.get("/products/" + MARKER_PRODUCT).statusCode()).isEqualTo(200);
            try (var traffic = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, MARKER_PRODUCT + 1, 11)) {
                traffic.awaitWrites(0, WRITES_AROUND_FAULT, Duration.ofSeconds(60));
                long writesBefore = traffic.writes();
                long readsBefore = traffic.reads();
                long readFailuresBefore = traffic.readFailures();
                long cachedBefore = traffic.cachedReads();
                int failedBefore = traffic.failedKeys().size();
                long stopping = System.nanoTime();
                stack.postgres().stop();
                long stoppedAt = System.nanoTime();

                HttpResponse<String> whileDown = catalog.get("/products/" + MARKER_PRODUCT);
                long writeFailuresAtStop = traffic.writeFailures();
                await("failed writes while PostgreSQL is down").atMost(Duration.ofSeconds(60))
                        .until(() -> traffic.writeFailures() >= writeFailuresAtStop + FAILED_WRITES_WHILE_DOWN);
                long readsDown = traffic.reads() - readsBefore;
                long readFailuresDown = traffic.readFailures() - readFailuresBefore;
                long cachedDown = traffic.cachedReads() - cachedBefore;
                // still down, so nothing can fill a key meanwhile: a read that failed found nothing in the cache
                List<CacheKey> failedDown = traffic.failedKeys().subList(failedBefore, traffic.failedKeys().size());
                List<String> cachedButFailed = new ArrayList<>();
                for (CacheKey key : failedDown) {
                    if (catalog.cached(key) != null) {
                        cachedButFailed.add(key.redisKey());
                    }
                }

                long starting = System.nanoTime();
                stack.postgres().start();
                long startedAt = System.nanoTime();
                long downMillis = (startedAt - stoppedAt) / 1_000_000;
                await("cdc-capture streaming its slot again").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                        .until(() -> walsender(catalog, namespace) != null);
                long streamingMillis = millisSince(startedAt);
                long servedMillis = markAndAwaitServed(catalog, "after-restart");
                long atRestart = traffic.writes();
                traffic.awaitWrites(atRestart, WRITES_AROUND_FAULT, Duration.ofSeconds(120));
                traffic.close();
                long caughtUpMillis = caughtUp(catalog);
                AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
                System.out.printf("PostgreSQL stopped in %d ms after %d writes, down %d ms, started in %d ms; while down: %d writes"
                                + " failed, %d reads answered (%d from the cache), %d reads failed (%d of them of keys the cache held); the marker (cached) answered %d %s."
                                + " cdc-capture streamed again %d ms after the start; a change made after the start was served"
                                + " %d ms later; in all %d writes (%d failed), %d reads (%d failed); caught up %d ms after the writer"
                                + " stopped; audit:%n%s%n",
                        (stoppedAt - stopping) / 1_000_000, writesBefore, downMillis, (startedAt - starting) / 1_000_000,
                        traffic.writeFailures() - writeFailuresAtStop, readsDown, cachedDown, readFailuresDown, cachedButFailed.size(),
                        whileDown.statusCode(), whileDown.headers().firstValue("X-Cache").orElse("-"), streamingMillis, servedMillis,
                        traffic.writes(), traffic.writeFailures(), traffic.reads(), traffic.readFailures(), caughtUpMillis,
                        audit.render());

                assertThat(whileDown.statusCode()).as("a cached value while PostgreSQL is down").isEqualTo(200);
                assertThat(cachedButFailed).as("reads that failed while PostgreSQL was down although the cache held their key")
                        .isEmpty();
                assertThat(whileDown.headers().firstValue("X-Cache")).as("answered without the database").hasValueSatisfying(
                        outcome -> assertThat(outcome).isIn("NEAR", "HIT", "STALE"));
                assertClean(catalog, traffic, audit);
            }
        }
    }

    @Test
    void theWalsenderTerminatedWhileCapturing_captureReconnects_andEveryServedValueEqualsTheDatabase(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) throws Exception {
        try (var catalog = catalog(stack, namespace)) {
            try (var traffic = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, MARKER_PRODUCT + 1, 13)) {
                traffic.awaitWrites(0, WRITES_AROUND_FAULT, Duration.ofSeconds(60));
                Integer before = await("the slot's walsender").atMost(Duration.ofSeconds(60))
                        .until(() -> walsender(catalog, namespace), pid -> pid != null);
                long atKill = traffic.writes();
                long terminating = System.nanoTime();
                Boolean terminated = catalog.jdbc().queryValue(Boolean.class,
                        "SELECT pg_terminate_backend(r.pid) FROM pg_stat_replication r WHERE r.pid = ?", before);
                Integer after = await("a new walsender streaming the slot").atMost(Duration.ofSeconds(120)).ignoreExceptions()
                        .until(() -> walsender(catalog, namespace), pid -> pid != null && !pid.equals(before));
                long streamingMillis = millisSince(terminating);
                long servedMillis = markAndAwaitServed(catalog, "after-terminate");
                traffic.awaitWrites(atKill, WRITES_AROUND_FAULT, Duration.ofSeconds(120));
                traffic.close();
                long caughtUpMillis = caughtUp(catalog);
                AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
                System.out.printf("walsender %d terminated (%s) after %d writes; walsender %d streamed the slot %d ms later; a change"
                                + " made then was served %d ms later; in all %d writes (%d failed), %d reads (%d failed); caught up"
                                + " %d ms after the writer stopped; audit:%n%s%n",
                        before, terminated, atKill, after, streamingMillis, servedMillis, traffic.writes(), traffic.writeFailures(),
                        traffic.reads(), traffic.readFailures(), caughtUpMillis, audit.render());

                assertThat(terminated).isTrue();
                assertThat(traffic.writeFailures()).as("the database stayed up").isZero();
                assertThat(traffic.readFailures()).as("the database stayed up").isZero();
                assertClean(catalog, traffic, audit);
            }
        }
    }

    private static ExamplePipeline catalog(DevStack stack, TestNamespace namespace) throws Exception {
        return ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                connection -> CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 17), Map.of());
    }

    private static void assertClean(ExamplePipeline catalog, CatalogTraffic traffic, AuditReport audit) throws Exception {
        var slotLosses = catalog.pipeline().metrics().find(MetricNames.CDC_SLOT_LOSSES).counter();
        assertThat(slotLosses).isNotNull();
        assertThat(slotLosses.count()).as("no change was lost: the slot kept every one").isZero();
        traffic.assertServedEqualsDatabase();
        assertThat(audit.coherent()).as(audit.render()).isTrue();
        assertThat(audit.unconfirmed()).as(audit.render()).isZero();
        assertThat(audit.checked()).isPositive();
    }

    /** The pid of the walsender streaming cachepipe's slot, or null while none does. */
    private static @Nullable Integer walsender(ExamplePipeline catalog, TestNamespace namespace) {
        return catalog.jdbc().queryValue(Integer.class, "SELECT r.pid FROM pg_replication_slots s JOIN pg_stat_replication r"
                + " ON r.pid = s.active_pid WHERE s.slot_name = ? AND r.state = 'streaming'", namespace.name());
    }

    private static long caughtUp(ExamplePipeline catalog) {
        long catchingUp = System.nanoTime();
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(120));
        return millisSince(catchingUp);
    }

    /** Renames the marker product and waits until the API serves the new name; answers milliseconds. */
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
}
