package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Plain row views on real servers: a change to a cached row lands in Redis as the row's new value, in
 * the invalidation's own step, so readers hammering the row see the old value and then the new one,
 * never a miss, and neither the API nor the warmer reads the database for it. Views that are not a
 * plain row (a listing page) are still invalidated and re-warmed.
 */
@WithDevStack
class RowImagesIT {

    @Test
    void updatesOfACachedRow_areWrittenFromTheRowImage_andReadersNeverMiss(DevStack stack, TestNamespace namespace) throws Exception {
        try (var catalog = ExamplePipeline.catalog(stack, namespace, 200, 4)) {
            CacheKey product = catalog.key("product", Map.of("id", 8L));
            CacheKey listing = catalog.key("category-products", Map.of("category_id", 4L, "page", 1));
            catalog.get("/products/8");
            catalog.get("/categories/4/products?page=1");
            await().until(() -> catalog.cached(product) != null && catalog.cached(listing) != null);
            double productFills = fills(catalog, "product");
            double productLoads = warmerLoads(catalog, "product");
            double listingLoads = warmerLoads(catalog, "category-products");
            long rewarmedBefore = catalog.pipeline().metrics().find(MetricNames.FRESHNESS_WARMED).timers().stream()
                    .mapToLong(io.micrometer.core.instrument.Timer::count).sum();

            var reading = new AtomicBoolean(true);
            List<String> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = Thread.ofPlatform().start(() -> {
                while (reading.get()) {
                    try {
                        outcomes.add(catalog.get("/products/8").headers().firstValue("X-Cache").orElse("?"));
                    } catch (Exception e) {
                        outcomes.add("error: " + e);
                    }
                }
            });
            for (int stock = 1; stock <= 20; stock++) {
                catalog.jdbc().update("UPDATE products SET stock = ?, updated_at = now() WHERE id = 8", stock);
                int expected = stock;
                await().untilAsserted(() -> assertThat(catalog.cached(product)).contains("\"stock\":" + expected + ","));
            }
            await().untilAsserted(() -> assertThat(catalog.get("/products/8").body()).contains("\"stock\":20,"));
            reading.set(false);
            reader.join();

            assertThat(catalog.cached(product)).isEqualTo(catalog.expected(product));
            assertThat(outcomes).hasSizeGreaterThan(20).allMatch(outcome -> outcome.equals("HIT") || outcome.equals("NEAR"));
            assertThat(fills(catalog, "product")).as("no reader filled the row from the database").isEqualTo(productFills);
            assertThat(warmerLoads(catalog, "product")).as("nor did the warmer").isEqualTo(productLoads);
            assertThat(catalog.pipeline().metrics().find(MetricNames.FRESHNESS_WARMED).timers().stream()
                    .mapToLong(io.micrometer.core.instrument.Timer::count).sum())
                    .as("each written image counts in commit -> re-warmed").isGreaterThanOrEqualTo(rewarmedBefore + 20);
            await().untilAsserted(() -> {
                assertThat(catalog.cached(listing)).isEqualTo(catalog.expected(listing));
                assertThat(warmerLoads(catalog, "category-products")).as("the listing was re-warmed").isGreaterThan(listingLoads);
            });
        }
    }

    private static double fills(ExamplePipeline catalog, String view) {
        return catalog.pipeline().metrics().find(MetricNames.CACHE_FILLS).tag("view", view).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double warmerLoads(ExamplePipeline catalog, String view) {
        return catalog.pipeline().metrics().find(MetricNames.WARMER_LOADS).tag("view", view).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
