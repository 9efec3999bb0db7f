package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API's near cache (L1) on real servers: it answers repeated reads in-process, drops an entry
 * as soon as the invalidator has invalidated the key in Redis, and empties itself when its
 * invalidation channel drops (since it may have missed messages).
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NearCacheIT {
    private ExamplePipeline catalog;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        catalog = ExamplePipeline.catalog(stack, namespace, 100, 5);
        await().until(() -> nearCache().path("live").asBoolean());
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void l1EntryIsInvalidatedWithinTheSameBoundAsRedis_afterADatabaseWrite() throws Exception {
        CacheKey key = catalog.key("product", Map.of("id", 7L));
        catalog.get("/products/7");
        await().until(() -> catalog.cached(key) != null);
        await().until(() -> xCache("/products/7").equals("HIT"));
        assertThat(xCache("/products/7")).isEqualTo("NEAR");
        String before = catalog.cached(key);

        long written = System.nanoTime();
        catalog.jdbc().update("UPDATE products SET stock = stock + 11, updated_at = now() WHERE id = 7");

        // Watch both tiers in one loop: when did Redis stop holding the old value, and the API stop serving it?
        long redisChanged = 0;
        long apiChanged = 0;
        long deadline = written + Duration.ofSeconds(5).toNanos();
        while ((redisChanged == 0 || apiChanged == 0) && System.nanoTime() < deadline) {
            if (redisChanged == 0 && !before.equals(catalog.cached(key))) {
                redisChanged = System.nanoTime();
            }
            if (apiChanged == 0 && !catalog.get("/products/7").body().equals(before)) {
                apiChanged = System.nanoTime();
            }
        }
        assertThat(redisChanged).as("Redis invalidated within 5 s").isPositive();
        assertThat(apiChanged).as("the API stopped serving the old value within 5 s").isPositive();
        System.out.printf("commit → Redis changed %.1f ms, commit → API (L1) changed %.1f ms%n",
                (redisChanged - written) / 1e6, (apiChanged - written) / 1e6);
        assertThat(apiChanged - redisChanged).as("L1 lags Redis by at most one message delivery")
                .isLessThan(Duration.ofMillis(250).toNanos());
        await().untilAsserted(() -> assertThat(catalog.get("/products/7").body()).isEqualTo(catalog.expected(key)));
    }

    @Test
    void afterAnInjectedReconnect_theL1IsEmpty() throws Exception {
        for (int id = 20; id < 30; id++) {
            catalog.get("/products/" + id);
        }
        await().until(() -> {
            for (int id = 20; id < 30; id++) {
                catalog.get("/products/" + id);
            }
            return nearCache().path("size").asLong() >= 10;
        });
        long drops = nearCache().path("drops").asLong();

        catalog.killPubSubConnections();

        await().until(() -> nearCache().path("drops").asLong() > drops);
        await().until(() -> nearCache().path("live").asBoolean());
        assertThat(nearCache().path("size").asLong()).isZero();
        assertThat(xCache("/products/20")).isEqualTo("HIT");
        assertThat(xCache("/products/20")).isEqualTo("NEAR");
    }

    private String xCache(String path) throws Exception {
        return catalog.get(path).headers().firstValue("X-Cache").orElse("");
    }

    private JsonNode nearCache() throws Exception {
        return Json.mapper().readTree(catalog.get("/cache/stats").body()).path("nearCache");
    }
}
