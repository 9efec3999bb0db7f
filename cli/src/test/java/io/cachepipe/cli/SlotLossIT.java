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
import io.cachepipe.ops.rebuild.Progress;
import io.cachepipe.ops.rebuild.RebuildReport;
import io.cachepipe.ops.rebuild.Rebuilder;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.cachepipe.store.redis.SlotLossRecord;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replication slot loses changes while cdc-capture is stopped: the cache holds every product, page
 * and category; capture stops; products are renamed, moved to other categories and deleted; the slot is
 * dropped (or PostgreSQL invalidates it: {@code max_slot_wal_keep_size} exceeded, {@code wal_status =
 * 'lost'}); capture starts again. Debezium alone would create a new slot and stream from now on, the
 * changes in between lost and the cached values stale for as long as they live. cachepipe notices
 * (cdc-capture's {@code SlotGuard}), counts it, creates the new slot and only then has every cached value
 * dropped: the stale entries are gone, the API equals the database ({@link CatalogOracle}), the audit is
 * clean, and changes made afterwards reach the cache again. A rebuild afterwards (Redis lost its data)
 * does not bring back the row deleted while changes were lost, whose last image the change topic keeps.
 */
@WithDevStack
@FaultScenario
@Timeout(600)
class SlotLossIT {
    private static final int PRODUCTS = 120;
    private static final int CATEGORIES = 4;
    private static final int PAGE_SIZE = 20;
    /** Renamed while the slot is lost. */
    private static final long RENAMED = 1;
    /** Deleted while the slot is lost. */
    private static final long DELETED = 31;

    @Test
    void slotDroppedWhileCaptureWasStopped_isAlarmed_theStaleEntriesAreGone_andLaterChangesFlowAgain(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) throws Exception {
        lose(stack, namespace, "dropped", db -> db.queryValue(Long.class, "SELECT count(*) FROM (SELECT pg_drop_replication_slot(?)) dropped", namespace.name()));
    }

    @Test
    void slotInvalidatedWhileCaptureWasStopped_isAlarmed_theStaleEntriesAreGone_andLaterChangesFlowAgain(DevStack stack,
            @TestNamespace.PerMethod TestNamespace namespace) throws Exception {
        Jdbc server = Jdbc.on(stack.postgres());
        server.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
        server.queryValue(Boolean.class, "SELECT pg_reload_conf()");
        try {
            lose(stack, namespace, "invalidated", db -> {
                db.execute("CREATE TABLE wal_filler (note text)");
                await("wal_status = 'lost'").atMost(Duration.ofSeconds(120)).until(() -> {
                    db.execute("INSERT INTO wal_filler SELECT repeat(md5(g::text), 32) FROM generate_series(1, 2000) g");
                    db.queryValue(String.class, "SELECT pg_switch_wal()::text");
                    db.execute("CHECKPOINT");
                    return "lost".equals(db.queryValue(String.class, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?",
                            namespace.name()));
                });
                // Back to no limit before capture resumes: under 1 MB the new slot could be invalidated again while
                // it catches up (the re-snapshot alone writes more), and capture would never get there.
                resetWalKeepSize(server);
            });
        } finally {
            resetWalKeepSize(server);
        }
    }

    private static void resetWalKeepSize(Jdbc server) {
        server.execute("ALTER SYSTEM RESET max_slot_wal_keep_size");
        server.queryValue(Boolean.class, "SELECT pg_reload_conf()");
    }

    private static void lose(DevStack stack, TestNamespace namespace, String how, Consumer<Jdbc> loseTheSlot) throws Exception {
        try (var catalog = ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                connection -> CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 23), Map.of())) {
            Jdbc db = catalog.jdbc();
            fillEverything(catalog);
            CacheKey renamed = catalog.key("product", Map.of("id", RENAMED));
            CacheKey deleted = catalog.key("product", Map.of("id", DELETED));
            String cachedBefore = catalog.cached(renamed);
            assertThat(cachedBefore).as("product %d cached", RENAMED).isNotNull();

            catalog.pipeline().pause();
            db.update("UPDATE products SET name = 'renamed while the slot was " + how + " ' || id, updated_at = now() WHERE id <= 20");
            db.update("UPDATE products SET category_id = 1 + category_id % ?, updated_at = now() WHERE id BETWEEN 21 AND 30", CATEGORIES);
            db.update("DELETE FROM products WHERE id = ?", DELETED);
            String storedBefore = db.queryValue(String.class, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?",
                    namespace.name());
            loseTheSlot.accept(db);
            assertThat(catalog.cached(renamed)).as("stale: nothing ran while capture was stopped").isEqualTo(cachedBefore);

            long resuming = System.nanoTime();
            catalog.pipeline().resume();
            await("the invalidator dropped every cached value").atMost(Duration.ofSeconds(120))
                    .until(() -> count(catalog, MetricNames.INVALIDATOR_SLOT_LOSS_FLUSHES) >= 1);
            long flushedMillis = (System.nanoTime() - resuming) / 1_000_000;
            String afterFlush = catalog.cached(renamed);
            long servedMillis = markAndAwaitServed(catalog, "after-" + how);
            catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(120));
            // every product, page and category read through the API (refilling the cache), then audited
            CatalogTraffic.assertServedEqualsDatabase(catalog, PRODUCTS, CATEGORIES);
            AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
            Optional<SlotLossNotice> recorded = new SlotLossRecord(catalog.pipeline().store(), io.cachepipe.core.json.Json.mapper())
                    .recorded().toCompletableFuture().join();
            String slotNow = db.queryValue(String.class, "SELECT confirmed_flush_lsn::text || ' ' || coalesce(wal_status, '')"
                    + " FROM pg_replication_slots WHERE slot_name = ?", namespace.name());
            System.out.printf("slot %s (%s) while capture was stopped (confirmed %s then); capture started: %.0f slot losses counted,"
                            + " every cached value dropped %d ms after the start; product %d cached then: %s; a change made then was"
                            + " served %d ms later; slot now %s; recorded for the summary: %s; audit:%n%s%n",
                    namespace.name(), how, storedBefore, count(catalog, MetricNames.CDC_SLOT_LOSSES), flushedMillis, RENAMED,
                    afterFlush == null ? "nothing" : afterFlush, servedMillis, slotNow, recorded.orElse(null), audit.render());

            assertThat(count(catalog, MetricNames.CDC_SLOT_LOSSES)).as("slot losses counted").isEqualTo(1);
            assertThat(afterFlush).as("the stale value of product %d is gone", RENAMED).isNotEqualTo(cachedBefore);
            assertThat(catalog.get("/products/" + DELETED).statusCode()).as("product %d was deleted", DELETED).isEqualTo(404);
            assertThat(catalog.cached(deleted)).as("at most its absence cached for the deleted product").isNullOrEmpty();
            assertThat(audit.coherent()).as(audit.render()).isTrue();
            assertThat(audit.unconfirmed()).as(audit.render()).isZero();
            assertThat(audit.checked()).as("the refilled entries audited").isGreaterThanOrEqualTo(PRODUCTS - 1);
            assertThat(recorded).as("the loss on record for GET /cache/summary").hasValueSatisfying(notice ->
                    assertThat(notice.reason()).contains(namespace.name()).contains(how.equals("dropped") ? "gone" : "invalidated"));

            // Later Redis loses its data and the operator rebuilds. Product DELETED's last image, captured before the
            // loss, is still in the compacted change topic (its delete never was): the rebuild must not bring it back.
            ExamplePipeline.wipe(catalog.pipeline().store().connector(), namespace.keyPrefix());
            RebuildReport rebuilt = new Rebuilder(catalog.pipeline().config().kafka(), catalog.pipeline().catalog(),
                    catalog.pipeline().store(), catalog.dataSource()).run(new Rebuilder.Options(Set.of(), 100, true), Progress.NONE);
            System.out.printf("rebuild after the loss: %d records, %d row images written, %d loaded from PostgreSQL instead; notes %s%n",
                    rebuilt.records(), rebuilt.rowWrites(), rebuilt.imageFallbacks(), rebuilt.notes());
            assertThat(catalog.cached(deleted)).as("deleted product %d brought back by the rebuild", DELETED).isNullOrEmpty();
            assertThat(catalog.cached(renamed)).as("product %d after the rebuild", RENAMED).isEqualTo(catalog.expected(renamed));
            assertThat(rebuilt.imageFallbacks()).as("images older than the loss loaded instead").isPositive();
            assertThat(rebuilt.notes()).anySatisfy(note -> assertThat(note).contains("lost changes").contains(namespace.name()));
        }
    }

    /** Reads every product, every listing page and every category once, so that the cache holds them. */
    private static void fillEverything(ExamplePipeline catalog) throws Exception {
        for (long id = 1; id <= PRODUCTS; id++) {
            assertThat(catalog.get("/products/" + id).statusCode()).isEqualTo(200);
        }
        for (long category = 1; category <= CATEGORIES; category++) {
            long count = catalog.jdbc().queryValue(Long.class, "SELECT count(*) FROM products WHERE category_id = ?", category);
            for (long page = 1; page <= (count + PAGE_SIZE - 1) / PAGE_SIZE; page++) {
                assertThat(catalog.get("/categories/" + category + "/products?page=" + page).statusCode()).isEqualTo(200);
            }
            assertThat(catalog.get("/categories/" + category).statusCode()).isEqualTo(200);
        }
    }

    private static double count(ExamplePipeline catalog, String counter) {
        var found = catalog.pipeline().metrics().find(counter).counter();
        return found == null ? 0 : found.count();
    }

    /** Renames product 2 and waits until the API serves the new name; answers milliseconds. */
    private static long markAndAwaitServed(ExamplePipeline catalog, String marker) {
        long start = System.nanoTime();
        String name = marker + "-" + start;
        catalog.jdbc().update("UPDATE products SET name = ?, updated_at = now() WHERE id = 2", name);
        await().atMost(Duration.ofSeconds(120)).until(() -> catalog.get("/products/2").body().contains(name));
        return (System.nanoTime() - start) / 1_000_000;
    }
}
