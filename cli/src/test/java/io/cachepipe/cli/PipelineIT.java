package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The walking skeleton end to end on real servers: a change written over plain JDBC (not through
 * the API) flows PostgreSQL → Debezium → Kafka → Streams → Redis, and the API serves it.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
    private static final int PRODUCTS = 400;
    private static final int CATEGORIES = 10;
    private ExamplePipeline catalog;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        catalog = ExamplePipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES);
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void updateOverPlainJdbc_isServedWithin5s_andRedisHoldsTheRewarmedValue() throws Exception {
        CacheKey key = catalog.key("product", Map.of("id", 1L));
        assertThat(catalog.get("/products/1").statusCode()).isEqualTo(200);
        await().until(() -> catalog.cached(key) != null);

        catalog.jdbc().update("UPDATE products SET price = 12345.67, updated_at = now() WHERE id = 1");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(catalog.get("/products/1").body()).contains("\"price\":12345.67"));
        await().untilAsserted(() -> assertThat(catalog.cached(key)).contains("\"price\":12345.67"));
        // Served from the cache, not PostgreSQL: Redis (HIT) or, once a read copied the value into the
        // API's near cache, that (NEAR). Which one depends on how many reads the await above made.
        var served = catalog.get("/products/1");
        assertThat(served.body()).contains("\"price\":12345.67");
        assertThat(served.headers().firstValue("X-Cache")).hasValueSatisfying(
                outcome -> assertThat(outcome).isIn("HIT", "NEAR"));
    }

    @Test
    void moveToOtherCategory_invalidatesBothListings_andRewarmsThem() throws Exception {
        CacheKey oldListing = catalog.key("category-products", Map.of("category_id", 3L, "page", 1));
        CacheKey newListing = catalog.key("category-products", Map.of("category_id", 4L, "page", 1));
        assertThat(catalog.get("/categories/3/products").body()).contains("\"id\":3,");
        assertThat(catalog.get("/categories/4/products?page=1").body()).doesNotContain("\"id\":3,");
        await().until(() -> catalog.cached(oldListing) != null && catalog.cached(newListing) != null);

        catalog.jdbc().update("UPDATE products SET category_id = 4 WHERE id = 3");

        await().untilAsserted(() -> {
            assertThat(catalog.cached(oldListing)).isEqualTo(catalog.expected(oldListing)).doesNotContain("\"id\":3,");
            assertThat(catalog.cached(newListing)).isEqualTo(catalog.expected(newListing)).contains("\"id\":3,");
        });
        assertThat(catalog.get("/categories/4/products").body()).contains("\"id\":3,");
    }

    @Test
    void delete_answers404_andLeavesNoCacheEntry() throws Exception {
        CacheKey key = catalog.key("product", Map.of("id", 5L));
        assertThat(catalog.get("/products/5").statusCode()).isEqualTo(200);
        await().until(() -> catalog.cached(key) != null);

        catalog.jdbc().update("DELETE FROM products WHERE id = 5");

        await().until(() -> catalog.cached(key) == null);
        var response = catalog.get("/products/5");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("\"status\":404").contains("no product with id=5");
    }

    @Test
    void restartingCdcCaptureWhileWritesContinue_losesNoChange() throws Exception {
        List<CacheKey> keys = new ArrayList<>();
        for (long id = 100; id < 160; id++) {
            keys.add(catalog.key("product", Map.of("id", id)));
            assertThat(catalog.get("/products/" + id).statusCode()).isEqualTo(200);
        }
        await().until(() -> keys.stream().allMatch(key -> cached(key) != null));

        var writing = new AtomicBoolean(true);
        var writes = new ArrayList<Integer>();
        Thread writer = Thread.ofPlatform().name("jdbc-writer").start(() -> {
            while (writing.get()) {
                long id = 100 + ThreadLocalRandom.current().nextInt(60);
                catalog.jdbc().update("UPDATE products SET stock = stock + 1, updated_at = now() WHERE id = ?", id);
                synchronized (writes) {
                    writes.add((int) id);
                }
            }
        });
        await().until(() -> sizeOf(writes) > 50);
        catalog.pipeline().restartCdc();
        int atRestart = sizeOf(writes);
        await().until(() -> sizeOf(writes) > atRestart + 50);
        writing.set(false);
        writer.join();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (CacheKey key : keys) {
                assertThat(catalog.cached(key)).as(key.redisKey()).isEqualTo(catalog.expected(key));
            }
        });
        assertThat(sizeOf(writes)).isGreaterThan(100);
    }

    @Test
    void badInput_isA400WithAReason_andUnknownIsA404() throws Exception {
        var bad = catalog.get("/products/abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(bad.body()).contains("'abc' is not a whole number");
        assertThat(catalog.get("/categories/3/products?page=0").body()).contains("page must be at least 1");
        assertThat(catalog.get("/products/999999").statusCode()).isEqualTo(404);
        assertThat(catalog.get("/no/such/route").statusCode()).isEqualTo(404);
        assertThat(catalog.send("POST", "/products", "{\"sku\":\"X-1\"}").body())
                .contains("field 'name' is required").contains("field 'price' is required");
    }

    @Test
    void writesThroughTheApi_reachTheCacheThroughTheChangeLog() throws Exception {
        var created = catalog.send("POST", "/products", "{\"sku\":\"NEW-1\",\"name\":\"Kettle\",\"price\":19.99,\"category_id\":2}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = created.body().replaceAll(".*\"id\":(\\d+).*", "$1");
        assertThat(catalog.get("/products/" + id).body()).contains("\"price\":19.99");

        assertThat(catalog.send("PATCH", "/products/" + id, "{\"price\":24.50}").statusCode()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(catalog.get("/products/" + id).body()).contains("\"price\":24.50"));

        assertThat(catalog.send("DELETE", "/products/" + id, "").statusCode()).isEqualTo(204);
        await().untilAsserted(() -> assertThat(catalog.get("/products/" + id).statusCode()).isEqualTo(404));
        assertThat(catalog.send("PATCH", "/products/" + id, "{\"price\":1}").statusCode()).isEqualTo(404);
    }

    @Test
    void etagRoundTrip_is304WhileUnchanged_then200AfterAWrite() throws Exception {
        var first = catalog.get("/products/20");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(first.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(catalog.get("/products/20", "If-None-Match", etag).statusCode()).isEqualTo(304);

        catalog.jdbc().update("UPDATE products SET stock = stock + 5 WHERE id = 20");

        await().untilAsserted(() -> {
            var after = catalog.get("/products/20", "If-None-Match", etag);
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        });
        assertThat(catalog.get("/products/20").headers().firstValue("X-Response-Time")).isPresent();
    }

    @Test
    void readYourWrites_aReadPresentingTheWritesLsn_neverSeesAnOlderValue() throws Exception {
        for (long id = 60; id < 65; id++) {
            catalog.get("/products/" + id);
            catalog.get("/products/" + id); // cached, and in the near cache
        }
        var outcomes = new java.util.TreeMap<String, Integer>();
        for (int round = 1; round <= 20; round++) {
            long id = 60 + round % 5;
            String price = round + "00.25";
            var written = catalog.send("PATCH", "/products/" + id, "{\"price\":" + price + "}");
            assertThat(written.statusCode()).isEqualTo(200);
            String lsn = written.headers().firstValue("X-Commit-LSN").orElseThrow();

            var read = catalog.get("/products/" + id, "X-Commit-LSN", lsn);

            assertThat(read.body()).as("round %d", round).contains("\"price\":" + price);
            outcomes.merge(read.headers().firstValue("X-Cache").orElse("?"), 1, Integer::sum);
        }
        System.out.println("read-your-writes: 20 reads right after their writes, answered " + outcomes);
        var bad = catalog.get("/products/60", "X-Commit-LSN", "yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("X-Commit-LSN must be a PostgreSQL LSN");
    }

    @Test
    void readYourWrites_withTheInvalidatorStopped_isAnsweredFromPostgreSQLAfterTheConfiguredWait() throws Exception {
        catalog.get("/products/70");
        await().untilAsserted(() -> assertThat(catalog.get("/products/70").headers().firstValue("X-Cache"))
                .hasValueSatisfying(outcome -> assertThat(outcome).isIn("HIT", "NEAR")));
        String old = catalog.get("/products/70").body();
        Duration wait = catalog.pipeline().config().api().readYourWritesWait();
        var metrics = catalog.pipeline().metrics();
        catalog.pipeline().stopConsumers();
        try {
            var written = catalog.send("PATCH", "/products/70", "{\"price\":7070.70}");
            assertThat(written.statusCode()).isEqualTo(200);
            String lsn = written.headers().firstValue("X-Commit-LSN").orElseThrow();
            double fallbacks = metrics.counter(MetricNames.CACHE_FALLBACKS, "reason", "read-your-writes").count();

            long started = System.nanoTime();
            var read = catalog.get("/products/70", "X-Commit-LSN", lsn);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(read.body()).contains("\"price\":7070.70");
            assertThat(read.headers().firstValue("X-Cache")).contains("FALLBACK");
            assertThat(took).as("waited for the applied position first").isGreaterThanOrEqualTo(wait.minusMillis(5));
            assertThat(metrics.counter(MetricNames.CACHE_FALLBACKS, "reason", "read-your-writes").count())
                    .isEqualTo(fallbacks + 1);
            assertThat(catalog.get("/products/70").body()).as("without the header: the cache, still behind").isEqualTo(old);
            System.out.printf("read-your-writes with the invalidator stopped: answered from PostgreSQL in %d ms (wait %d ms)%n",
                    took.toMillis(), wait.toMillis());
        } finally {
            catalog.pipeline().startConsumers();
        }
        await().untilAsserted(() -> assertThat(catalog.get("/products/70").body()).contains("\"price\":7070.70"));
    }

    @Test
    void replicationSlotLag_isExportedInBytesAndSeconds() {
        var metrics = catalog.pipeline().metrics();
        await().untilAsserted(() -> {
            assertThat(metrics.find("cachepipe.cdc.slot.lag.bytes").gauge().value()).isGreaterThanOrEqualTo(0);
            assertThat(metrics.find("cachepipe.cdc.slot.lag.seconds").gauge().value()).isGreaterThanOrEqualTo(0);
        });
        assertThat(metrics.scrape()).contains("cachepipe_cdc_slot_lag_seconds{");
    }

    @Test
    void everyMetricOfTheWholePipeline_explainsItself() throws Exception {
        // Traffic first, so that the meters made on first use (per view, per result) exist.
        catalog.get("/products/1");
        catalog.get("/categories/1/products?page=1");
        String scrape = catalog.pipeline().metrics().scrape();

        List<String> help = scrape.lines().filter(line -> line.startsWith("# HELP ")).toList();
        assertThat(help).as("metrics exported").hasSizeGreaterThan(20);
        assertThat(help).filteredOn(line -> line.split(" ", 4).length < 4 || line.split(" ", 4)[3].isBlank())
                .as("HELP lines without text (promtool check metrics: 'no help text')").isEmpty();
        assertThat(scrape).as("the read path's database loads, timed per view and cause")
                .containsPattern("cachepipe_db_loads_seconds_count\\{cause=\"fill\",process=\"cachepipe\",view=\"(product|category-products)\"\\} [1-9]");
    }

    private String cached(CacheKey key) {
        try {
            return catalog.cached(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int sizeOf(List<Integer> writes) {
        synchronized (writes) {
            return writes.size();
        }
    }
}
