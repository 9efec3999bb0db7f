package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.PartProcess;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The parts as the separate processes an operator runs, configured by nothing but environment
 * variables ({@link ChildPipeline}): the {@code CACHE_ENABLED=false} kill switch of a real
 * {@code ApiMain}, and a Kafka broker outage while writes continue.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessesIT {
    private static final int PRODUCTS = 200;
    private static final int CATEGORIES = 5;
    private static final Duration KAFKA_OUTAGE = Duration.ofSeconds(5);
    private DevStack stack;
    private ChildPipeline pipeline;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        this.stack = stack;
        pipeline = ChildPipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES, Map.of());
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void cacheEnabledFalseInTheEnvironment_makesEveryReadADatabaseRead() throws Exception {
        PartProcess direct = pipeline.startApi("api-no-cache", Map.of("CACHE_ENABLED", "false"));
        CacheKey key = pipeline.key("product", Map.of("id", 150L));
        assertThat(pipeline.cached(key)).as("nobody has read product 150 yet").isNull();
        int reads = 0;
        for (String path : new String[] {"/products/150", "/products/150", "/categories/2/products?page=3", "/products/999999"}) {
            HttpResponse<String> response = pipeline.get(direct, path);
            reads++;
            assertThat(response.statusCode()).as(path).isIn(200, 404);
            assertThat(response.headers().firstValue("X-Cache")).as(path).contains("FALLBACK");
        }
        assertThat(pipeline.scrape(direct, "cachepipe_cache_fallbacks_total")).isEqualTo(reads);
        assertThat(pipeline.scrape(direct, "cachepipe_cache_fills_total")).isZero();
        assertThat(pipeline.cached(key)).as("the kill switch leaves Redis alone").isNull();

        // A change is visible at once: no cache, so nothing to wait for.
        pipeline.jdbc().update("UPDATE products SET price = 150.15 WHERE id = 150");
        HttpResponse<String> changed = pipeline.get(direct, "/products/150");
        assertThat(changed.body()).contains("\"price\":150.15");
        assertThat(changed.headers().firstValue("X-Cache")).contains("FALLBACK");
        assertThat(pipeline.scrape(direct, "cachepipe_cache_fallbacks_total")).isEqualTo(reads + 1);
    }

    @Test
    void kafkaDownWhileWritesContinue_cdcCaptureWaits_andEveryChangeReachesTheCache() throws Exception {
        for (int id = 1; id <= 60; id++) {
            pipeline.get("/products/" + id);
        }
        for (int category = 1; category <= CATEGORIES; category++) {
            pipeline.get("/categories/" + category + "/products");
        }
        pipeline.awaitCaughtUp(Duration.ofSeconds(60));
        CacheKey watched = pipeline.key("product", Map.of("id", 1L));
        await().until(() -> pipeline.cached(watched) != null);
        String before = pipeline.cached(watched);
        long cdcPid = pipeline.cdc().pid();

        stack.kafka().stop();
        long stopped = System.nanoTime();
        String firstWriteLsn = null;
        Map<Integer, Integer> written = new HashMap<>();
        var categoriesTouched = new TreeSet<Long>();
        int writes = 0;
        try {
            while (System.nanoTime() - stopped < KAFKA_OUTAGE.toNanos() || writes < 200) {
                int id = 1 + writes % 60;
                if (writes % 7 == 3) {
                    long category = 1 + writes % CATEGORIES;
                    categoriesTouched.add(category);
                    categoriesTouched.add(pipeline.jdbc().queryValue(Long.class, "SELECT category_id FROM products WHERE id = ?", id));
                    pipeline.jdbc().update("UPDATE products SET category_id = ?, updated_at = now() WHERE id = ?", category, id);
                } else {
                    pipeline.jdbc().update("UPDATE products SET price = ?, updated_at = now() WHERE id = ?",
                            new BigDecimal(writes).movePointLeft(2).add(BigDecimal.ONE), id);
                }
                written.merge(id, 1, Integer::sum);
                if (firstWriteLsn == null) {
                    firstWriteLsn = pipeline.jdbc().queryValue(String.class, "SELECT pg_current_wal_lsn()::text");
                }
                writes++;
            }
            assertThat(pipeline.cdc().isAlive()).as("cdc-capture waits for Kafka instead of exiting").isTrue();
            assertThat(pipeline.cached(watched)).as("nothing reached the cache while Kafka was down").isEqualTo(before);
            assertThat(pipeline.jdbc().queryValue(Boolean.class,
                    "SELECT confirmed_flush_lsn < ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?",
                    firstWriteLsn, pipeline.config().cdc().slot()))
                    .as("the slot still holds the WAL of the writes made during the outage").isTrue();
        } finally {
            stack.kafka().start();
        }
        long restarted = System.nanoTime();
        System.out.printf("Kafka down for %.1f s with %d writes to %d products behind it%n", (restarted - stopped) / 1e9, writes,
                written.size());

        pipeline.awaitCaughtUp(Duration.ofSeconds(120));
        System.out.printf("caught up %.1f s after the broker returned%n", (System.nanoTime() - restarted) / 1e9);
        assertThat(pipeline.cdc().pid()).as("the same cdc-capture process, never restarted").isEqualTo(cdcPid);
        for (int id : written.keySet()) {
            CacheKey key = pipeline.key("product", Map.of("id", (long) id));
            assertThat(pipeline.cached(key)).as("product %d is re-warmed with its last change", id).isEqualTo(pipeline.expected(key));
            assertThat(pipeline.get("/products/" + id).body()).isEqualTo(pipeline.expected(key));
        }
        for (long category : categoriesTouched) {
            CacheKey key = pipeline.key("category-products", Map.of("category_id", category, "page", 1));
            assertThat(pipeline.get("/categories/" + category + "/products").body()).as("category %d", category)
                    .isEqualTo(pipeline.expected(key));
        }
    }
}
