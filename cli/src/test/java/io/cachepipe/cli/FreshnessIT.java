package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Measures commit → invalidated and commit → re-warmed at a low, steady rate (one update every
 * 20 ms), on the pipeline's own timers. Prints the figures; asserts only that every change arrived,
 * since timing targets belong to benchmarks, not to tests.
 */
@WithDevStack
class FreshnessIT {
    private static final int UPDATES = 200;

    @Test
    void everySpacedUpdateIsInvalidatedAndRewarmed_andTheLatenciesArePrinted(DevStack stack, TestNamespace namespace) throws Exception {
        try (var catalog = ExamplePipeline.catalog(stack, namespace, 300, 10)) {
            List<CacheKey> keys = new ArrayList<>();
            for (long id = 1; id <= 50; id++) {
                keys.add(catalog.key("product", Map.of("id", id)));
                catalog.get("/products/" + id);
            }
            await().until(() -> keys.stream().allMatch(key -> cachedOrNull(catalog, key) != null));

            for (int i = 0; i < UPDATES; i++) {
                long id = 1 + i % 50;
                catalog.jdbc().update("UPDATE products SET stock = stock + 1 WHERE id = ?", id);
                long next = System.nanoTime() + Duration.ofMillis(20).toNanos();
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> System.nanoTime() >= next);
            }

            Timer invalidated = catalog.pipeline().metrics().find(MetricNames.FRESHNESS_INVALIDATED).timer();
            Timer warmed = catalog.pipeline().metrics().find(MetricNames.FRESHNESS_WARMED).timer();
            await().until(() -> invalidated.count() >= UPDATES);
            await().untilAsserted(() -> {
                for (CacheKey key : keys) {
                    assertThat(catalog.cached(key)).isEqualTo(catalog.expected(key));
                }
            });
            System.out.println("commit -> invalidated: " + describe(invalidated));
            System.out.println("commit -> re-warmed:   " + describe(warmed));
        }
    }

    private static String cachedOrNull(ExamplePipeline catalog, CacheKey key) {
        try {
            return catalog.cached(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Timer timer) {
        var text = new StringBuilder(timer.count() + " changes,");
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            text.append(String.format(" p%.0f=%.1f ms", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
        }
        return text.append(String.format(", max=%.1f ms", timer.max(TimeUnit.MILLISECONDS))).toString();
    }
}
