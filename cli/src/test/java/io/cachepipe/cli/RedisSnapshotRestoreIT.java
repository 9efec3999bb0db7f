package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis restored from an RDB snapshot older than what the pipeline last wrote, on the whole pipeline
 * (real PostgreSQL, Kafka, Redis): the restored entries predate invalidations that were lost with the
 * newer data, and no change will come again to fix them. The restart guard must drop them, whether
 * the restore happens under a running invalidator or while none runs (the invalidator that starts
 * afterwards never saw the server's earlier run id, so only the run id recorded in Redis tells it).
 *
 * <p>The dev stack's Redis runs without save points but loads {@code dump.rdb} from its directory
 * when it starts, so {@code SAVE}, more writes, then a restart is a restore from an older snapshot.
 * The file is deleted afterwards: later restarts come back empty again.
 */
@WithDevStack
class RedisSnapshotRestoreIT {
    private static final int PRODUCTS = 40;
    private static final int CATEGORIES = 4;

    @Test
    void aSnapshotRestoredWhileNoInvalidatorRuns_isFlushedByTheOneThatStarts(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) throws Exception {
        try (var catalog = ExamplePipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES)) {
            Map<CacheKey, String> saved = fillSaveAndChange(catalog);
            double flushes = flushes(catalog);

            catalog.pipeline().restartInvalidator(() -> {
                restoreSnapshot(stack, catalog);
                saved.forEach((key, value) -> assertThat(cached(catalog, key))
                        .as("the restore brought back the snapshot's value of %s", key).isEqualTo(value));
            });

            assertNoStaleValue(catalog, saved);
            assertThat(flushes(catalog)).isGreaterThan(flushes);
        }
    }

    @Test
    void aSnapshotRestoredUnderARunningInvalidator_isFlushed(DevStack stack, @TestNamespace.PerMethod TestNamespace namespace)
            throws Exception {
        try (var catalog = ExamplePipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES)) {
            Map<CacheKey, String> saved = fillSaveAndChange(catalog);
            double flushes = flushes(catalog);

            restoreSnapshot(stack, catalog);

            assertNoStaleValue(catalog, saved);
            assertThat(flushes(catalog)).isGreaterThan(flushes);
        }
    }

    /**
     * Reads every product and the first page of every category through the API, saves Redis to disk,
     * then changes every product in PostgreSQL and waits until the pipeline applied it: the snapshot
     * now holds values older than the database. Answers the snapshot's values.
     */
    private static Map<CacheKey, String> fillSaveAndChange(ExamplePipeline catalog) throws Exception {
        List<CacheKey> keys = new ArrayList<>();
        for (long id = 1; id <= PRODUCTS; id++) {
            catalog.get("/products/" + id);
            keys.add(catalog.key("product", Map.of("id", id)));
        }
        for (long category = 1; category <= CATEGORIES; category++) {
            catalog.get("/categories/" + category + "/products");
            keys.add(catalog.key("category-products", Map.of("category_id", category, "page", 1)));
        }
        await("every key filled").until(() -> keys.stream().allMatch(key -> cached(catalog, key) != null));
        Map<CacheKey, String> saved = new LinkedHashMap<>();
        for (CacheKey key : keys) {
            saved.put(key, cached(catalog, key));
        }
        assertThat(catalog.redis().commands().save().get()).isEqualTo("OK");

        catalog.jdbc().update("UPDATE products SET price = price + 100, updated_at = now()");
        catalog.pipeline().awaitCaughtUp(java.time.Duration.ofSeconds(60));
        for (var entry : saved.entrySet()) {
            assertThat(catalog.expected(entry.getKey())).as("the database moved past the snapshot").isNotEqualTo(entry.getValue());
            await("the pipeline applied the change to " + entry.getKey()).until(() -> {
                String now = cached(catalog, entry.getKey());
                return now == null || now.equals(catalog.expected(entry.getKey()));
            });
        }
        return saved;
    }

    /** Restarts Redis, which loads the snapshot SAVE wrote; then deletes it, so that later restarts come back empty. */
    private static void restoreSnapshot(DevStack stack, ExamplePipeline catalog) {
        Path dump;
        try {
            var commands = catalog.redis().commands();
            Map<String, String> dir = commands.configGet("dir").get();
            Map<String, String> file = commands.configGet("dbfilename").get();
            dump = Path.of(dir.get("dir")).resolve(file.get("dbfilename"));
        } catch (Exception e) {
            throw new AssertionError("could not ask Redis where it saves", e);
        }
        assertThat(dump).exists();
        try {
            stack.redis().stop();
            stack.redis().start();
        } finally {
            try {
                Files.deleteIfExists(dump);
            } catch (java.io.IOException e) {
                throw new AssertionError("could not delete " + dump + "; later Redis restarts would load it", e);
            }
        }
        await("the pipeline's Redis connection is back").ignoreExceptions()
                .until(() -> catalog.pipeline().store().serverRunId().toCompletableFuture().join().isPresent());
        await("the test's Redis connection is back").ignoreExceptions()
                .until(() -> "PONG".equals(catalog.redis().commands().ping().get()));
    }

    /**
     * No key holds a value other than the database's (the restored ones are dropped), every read through
     * the API answers the database's value, and the audit of everything is clean.
     */
    private static void assertNoStaleValue(ExamplePipeline catalog, Map<CacheKey, String> saved) throws Exception {
        await("no restored value is left in Redis").untilAsserted(() -> {
            for (CacheKey key : saved.keySet()) {
                String now = cached(catalog, key);
                assertThat(now == null || now.equals(catalog.expected(key)))
                        .as("%s holds %s, the database %s", key, now, catalog.expected(key)).isTrue();
            }
        });
        for (long id = 1; id <= PRODUCTS; id++) {
            assertThat(catalog.get("/products/" + id).body()).isEqualTo(catalog.expected(catalog.key("product", Map.of("id", id))));
        }
        for (long category = 1; category <= CATEGORIES; category++) {
            assertThat(catalog.get("/categories/" + category + "/products").body())
                    .isEqualTo(catalog.expected(catalog.key("category-products", Map.of("category_id", category, "page", 1))));
        }
        AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
        assertThat(audit.verdict()).as(audit.render()).isEqualTo(AuditReport.Verdict.CLEAN);
    }

    private static String cached(ExamplePipeline catalog, CacheKey key) {
        try {
            return catalog.cached(key);
        } catch (Exception e) {
            throw new IllegalStateException("reading " + key + " from Redis failed", e);
        }
    }

    private static double flushes(ExamplePipeline catalog) {
        return catalog.pipeline().metrics().find(MetricNames.INVALIDATOR_REDIS_RESTARTS).tag("action", "flushed").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
