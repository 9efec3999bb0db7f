package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads of declared views on real servers: the generic {@code GET /views/{view}?param=value} route,
 * and a view in {@code on-change: refresh} mode serving its old value within the stale grace until the
 * re-warmed one replaces it. The pipeline beats every second, so cdc-capture's heartbeat writes run
 * beside the reads, as in production; the last test shows they never reach the invalidator.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewRoutesIT {
    private static final String PROBLEM_JSON = "application/problem+json";
    private ExamplePipeline catalog;
    private TestNamespace namespace;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        catalog = ExamplePipeline.start(stack, namespace, io.cachepipe.examples.ExampleSchema.CATALOG,
                connection -> io.cachepipe.examples.CatalogSeeder.seed(connection, 120, 4, 7), Map.of("cdc.heartbeat-interval", "1s"));
        this.namespace = namespace;
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void genericRoute_servesAnyDeclaredView_byItsParameters() throws Exception {
        HttpResponse<String> product = catalog.get("/views/product?id=7");
        assertThat(product.statusCode()).isEqualTo(200);
        assertThat(product.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(product.body()).isEqualTo(catalog.expected(catalog.key("product", Map.of("id", 7L))));
        assertThat(product.headers().firstValue("X-Cache")).isPresent();
        assertThat(catalog.get("/views/product?id=7").body()).as("the friendly route's key, the same value")
                .isEqualTo(catalog.get("/products/7").body());

        CacheKey page = catalog.key("category-products", Map.of("category_id", 2L, "page", 2));
        HttpResponse<String> listing = catalog.get("/views/category-products?category_id=2&page=2");
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).isEqualTo(catalog.expected(page)).startsWith("[");
        assertThat(catalog.cached(page)).isEqualTo(listing.body());
        assertThat(catalog.get("/views/category-products?category_id=2").body()).as("page takes its declared default")
                .isEqualTo(catalog.expected(catalog.key("category-products", Map.of("category_id", 2L, "page", 1))));

        HttpResponse<String> absentRow = catalog.get("/views/product?id=999999");
        assertProblem(absentRow, 404, "no product with id=999999");
    }

    @Test
    void genericRoute_unknownView_is404_namingTheDeclaredViews() throws Exception {
        HttpResponse<String> unknown = catalog.get("/views/nope?id=1");
        assertProblem(unknown, 404, "no view 'nope' (declared: product, category-products, category, product-reviews)");
    }

    @Test
    void genericRoute_badParameters_are400_withTheReason() throws Exception {
        assertProblem(catalog.get("/views/product?id=abc"), 400, "parameter 'id'");
        assertProblem(catalog.get("/views/product?id=0"), 400, "parameter 'id'");
        assertProblem(catalog.get("/views/product"), 400, "parameter 'id' is required");
        assertProblem(catalog.get("/views/product?id=1&colour=red"), 400, "unknown parameter 'colour' (expected: id)");
        assertProblem(catalog.get("/views/category-products?category_id=1&page=0"), 400, "parameter 'page'");
    }

    /**
     * {@code category} is declared {@code on-change: refresh, stale-grace: 2s}. The re-warm is held
     * back by a lock on {@code categories} (its SQL reads that table), so the window in which only
     * the old value exists is as long as the test needs instead of a few milliseconds.
     */
    @Test
    void refreshMode_servesTheOldValueAsStale_untilTheRewarmedOneReplacesIt() throws Exception {
        CacheKey key = catalog.key("category", Map.of("id", 3L));
        String old = catalog.get("/categories/3").body();
        await().untilAsserted(() -> assertThat(catalog.cached(key)).isEqualTo(old));
        assertThat(catalog.get("/categories/3").headers().firstValue("X-Cache")).hasValueSatisfying(
                outcome -> assertThat(outcome).isIn("HIT", "NEAR"));
        long product = catalog.jdbc().queryValue(Long.class, "SELECT min(id) FROM products WHERE category_id = 3");

        List<String> outcomes = new ArrayList<>();
        String changed;
        try (Connection lock = catalog.jdbc().connect(); Statement statement = lock.createStatement()) {
            lock.setAutoCommit(false);
            statement.execute("LOCK TABLE categories IN ACCESS EXCLUSIVE MODE");
            catalog.jdbc().update("UPDATE products SET price = 0.01 WHERE id = ?", product);

            await("the change marks the value stale").untilAsserted(() -> {
                HttpResponse<String> read = catalog.get("/categories/3");
                outcomes.add(read.headers().firstValue("X-Cache").orElse("?"));
                assertThat(read.headers().firstValue("X-Cache")).hasValue("STALE");
                assertThat(read.body()).as("the old value, within the grace").isEqualTo(old);
            });
            assertThat(catalog.cached(key)).as("nothing re-warmed while the lock holds").isEqualTo(old);
            lock.rollback();
        }
        changed = catalog.expected(key);
        assertThat(changed).isNotEqualTo(old).contains("0.01");
        await("the re-warmed value replaces the old one").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> read = catalog.get("/categories/3");
            outcomes.add(read.headers().firstValue("X-Cache").orElse("?"));
            assertThat(read.body()).isEqualTo(changed);
            assertThat(read.headers().firstValue("X-Cache")).hasValueSatisfying(outcome -> assertThat(outcome).isIn("HIT", "NEAR"));
        });
        assertThat(catalog.cached(key)).isEqualTo(changed);
        System.out.println("X-Cache of /categories/3 across the change: " + outcomes);
    }

    @Test
    void heartbeatWrites_reachNeitherTheInvalidatorNorTheDeadLetterTopic() throws Exception {
        String beats = "SELECT beat::text FROM public.cachepipe_heartbeat WHERE slot = ?";
        String first = catalog.jdbc().queryValue(String.class, beats, namespace.name());
        await("two more heartbeat writes").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(catalog.jdbc().queryValue(String.class, beats, namespace.name())).isNotEqualTo(first));
        String second = catalog.jdbc().queryValue(String.class, beats, namespace.name());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(catalog.jdbc().queryValue(String.class, beats, namespace.name())).isNotEqualTo(second));
        catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(60));

        var metrics = catalog.pipeline().metrics();
        String heartbeatTopic = namespace.topicPrefix() + ".public.cachepipe_heartbeat";
        assertThat(metrics.get(MetricNames.CDC_EVENTS).tag("topic", heartbeatTopic).counter().count())
                .as("heartbeat changes captured").isGreaterThanOrEqualTo(2);
        assertThat(metrics.find(MetricNames.INVALIDATOR_CHANGES).tag("table", "public.cachepipe_heartbeat").counters())
                .as("changes the invalidator saw from the heartbeat table").isEmpty();
        assertThat(metrics.find(MetricNames.DEAD_LETTERS).counters()).allSatisfy(counter -> assertThat(counter.count()).isZero());
        await("the summary reads the dead-letter topic").untilAsserted(() -> {
            JsonNode pipeline = Json.mapper().readTree(catalog.get("/cache/summary").body()).path("pipeline");
            assertThat(pipeline.path("known").asBoolean()).isTrue();
            assertThat(pipeline.path("deadLetters").asLong()).isZero();
        });
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith(PROBLEM_JSON));
        JsonNode problem = Json.mapper().readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).contains(detail);
    }
}
