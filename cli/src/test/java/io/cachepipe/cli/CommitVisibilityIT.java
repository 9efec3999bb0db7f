package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.testsupport.Jdbc;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A commit reaches logical decoding when its WAL is flushed, before other sessions can see it. Here
 * that moment is held open on a real PostgreSQL: with {@code synchronous_standby_names} naming a
 * standby that never comes, a committing UPDATE waits ({@code SyncRep}) with its WAL flushed and
 * streamed, but invisible. Published then, its invalidation made the warmer reload the listing
 * as it was before the UPDATE and write it under the UPDATE's version, and the listing stayed stale
 * after the commit became visible (the cached price 517.88 against 1517.88 in the database, before
 * {@link io.cachepipe.cdc.CdcCapture} held batches back until their transactions are visible).
 */
@WithDevStack
class CommitVisibilityIT {

    @Test
    void aChangeCommittedInTheWalButNotYetVisible_isHeldBack_untilReadersCanSeeIt(DevStack stack, TestNamespace namespace)
            throws Exception {
        // No heartbeat writes: Debezium runs them on its streaming thread, where a held commit would stall it.
        try (var catalog = ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                connection -> CatalogSeeder.seed(connection, 200, 4, 7), Map.of("cdc.heartbeat-table", ""))) {
            CacheKey listing = catalog.key("category-products", Map.of("category_id", 4L, "page", 1));
            catalog.get("/categories/4/products?page=1");
            await().until(() -> catalog.cached(listing) != null);
            String before = catalog.cached(listing);
            long id = catalog.jdbc().queryValue(Long.class, "SELECT min(id) FROM products WHERE category_id = 4");
            double loads = warmerLoads(catalog);
            double holds = holds(catalog);

            Jdbc admin = Jdbc.on(stack.postgres());
            CompletableFuture<Integer> update;
            admin.execute("ALTER SYSTEM SET synchronous_standby_names = 'cachepipe_never_connects'");
            try {
                admin.execute("SELECT pg_reload_conf()");
                // The checkpointer applies the setting on reload; until then a commit does not wait. Probe until one does.
                update = CompletableFuture.supplyAsync(() -> catalog.jdbc().update("UPDATE products SET price = price + 1000 WHERE id = ?", id));
                await("the UPDATE's commit waits for the standby").until(() -> update.isDone() || syncRepWaits(admin) > 0);
                assertThat(update).as("reload took effect before the commit").isNotDone();

                await("cdc-capture holds the streamed change back").until(() -> holds(catalog) > holds);
                assertThat(catalog.cached(listing)).as("nothing invalidated while readers still see the old row").isEqualTo(before);
                assertThat(catalog.expected(listing)).isEqualTo(before);
                assertThat(warmerLoads(catalog)).isEqualTo(loads);
            } finally {
                admin.execute("ALTER SYSTEM RESET synchronous_standby_names");
                admin.execute("SELECT pg_reload_conf()");
            }
            assertThat(update.get(30, TimeUnit.SECONDS)).isEqualTo(1);

            await().untilAsserted(() -> {
                assertThat(catalog.expected(listing)).isNotEqualTo(before);
                assertThat(catalog.cached(listing)).isEqualTo(catalog.expected(listing));
            });
            assertThat(warmerLoads(catalog)).isGreaterThan(loads);
        }
    }

    private static long syncRepWaits(Jdbc admin) {
        return admin.queryValue(Long.class, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
    }

    private static double holds(ExamplePipeline catalog) {
        return catalog.pipeline().metrics().find(MetricNames.CDC_VISIBILITY_HOLDS).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static double warmerLoads(ExamplePipeline catalog) {
        return catalog.pipeline().metrics().find(MetricNames.WARMER_LOADS).tag("view", "category-products").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
