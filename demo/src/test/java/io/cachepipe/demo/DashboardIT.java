package io.cachepipe.demo;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.testsupport.PipelineSettings;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana/cachepipe.json and deploy/prometheus/alerts.yml against what the processes really
 * export: the demo (all four parts in one JVM, every part's meters on the API's {@code /metrics}),
 * scraped every second by Debian's Prometheus ({@link PrometheusServer}) with the alert rules
 * loaded. After a little traffic (reads of every read view, a write the pipeline carries to the
 * cache), every panel's query must return series, and Prometheus must hold every rule group healthy.
 *
 * <p>Kafka's per-partition consumer metrics appear only once Micrometer's Kafka binder looks for new
 * metrics (every 10 s, {@code KafkaMeters}), so the panel check waits for them: up to {@link #PANELS_TIMEOUT}.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
    private static final int PRODUCTS = 120;
    private static final int CATEGORIES = 4;
    private static final String RATE_INTERVAL = "30s";
    private static final Duration PANELS_TIMEOUT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestNamespace namespace;
    private Demo demo;
    private PrometheusServer prometheus;

    @BeforeAll
    void startTheDemoAndPrometheus(DevStack stack, TestNamespace namespace) throws Exception {
        this.namespace = namespace;
        Path binary = PrometheusTools.require("prometheus");
        Path home = Path.of("target", "dashboard", namespace.name()).toAbsolutePath();
        Map<String, String> settings = PipelineSettings.of(stack, namespace, ExampleSchema.CATALOG.viewsLocation());
        settings.put("invalidator.commit-interval", "200ms");
        demo = Demo.start(stack, new Demo.Options(home.resolve(".cachepipe"), PRODUCTS, CATEGORIES, 0, settings),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        demo.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        long started = System.nanoTime();
        // The demo's four parts share one registry on the API's /metrics; deployed, each process has its own port.
        prometheus = PrometheusServer.start(binary, home.resolve("prometheus"), "cachepipe",
                List.of("127.0.0.1:" + demo.pipeline().apiPort()), List.of(PrometheusTools.ALERTS));
        driveTraffic();
        System.out.printf("Prometheus started, traffic driven and scraped in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void prometheusLoadsTheAlertRules_everyGroupAndRuleHealthy() {
        JsonNode rulesFile = PrometheusTools.yaml(PrometheusTools.ALERTS);
        Set<String> groups = new TreeSet<>();
        List<String> alerts = new ArrayList<>();
        rulesFile.path("groups").forEach(group -> {
            groups.add(group.path("name").asText());
            group.path("rules").forEach(rule -> alerts.add(rule.path(rule.has("alert") ? "alert" : "record").asText()));
        });

        await("Prometheus to have evaluated every rule").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode loaded = prometheus.api("rules").path("groups");
            Set<String> loadedGroups = new TreeSet<>();
            List<String> loadedAlerts = new ArrayList<>();
            for (JsonNode group : loaded) {
                loadedGroups.add(group.path("name").asText());
                for (JsonNode rule : group.path("rules")) {
                    loadedAlerts.add(rule.path("name").asText());
                    assertThat(rule.path("health").asText()).as(rule.path("name").asText() + ": " + rule.path("lastError").asText())
                            .isEqualTo("ok");
                }
            }
            assertThat(loadedGroups).isEqualTo(groups);
            assertThat(loadedAlerts).containsExactlyInAnyOrderElementsOf(alerts);
        });
    }

    @Test
    void everyPanelOfTheDashboard_queriesSeriesTheProcessesExport() {
        JsonNode dashboard = DashboardQueries.read(PrometheusTools.DASHBOARD);
        List<DashboardQueries.Query> queries = DashboardQueries.of(dashboard, RATE_INTERVAL);
        assertThat(DashboardQueries.rows(dashboard)).containsExactly("Cache", "Freshness", "Pipeline lag", "Database", "Pool", "API");
        assertThat(queries).hasSizeGreaterThan(20);
        long started = System.nanoTime();

        await("every panel of " + PrometheusTools.DASHBOARD + " to return series").atMost(PANELS_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    List<String> empty = new ArrayList<>();
                    for (DashboardQueries.Query query : queries) {
                        JsonNode answer = prometheus.query(query.expression());
                        assertThat(answer.path("status").asText()).as(query.describe() + "\n" + answer).isEqualTo("success");
                        if (answer.path("data").path("result").isEmpty()) {
                            empty.add(query.describe());
                        }
                    }
                    assertThat(empty).as("panel targets that return no series").isEmpty();
                });
        System.out.printf("All %d panel targets returned series after %.1f s%n", queries.size(), (System.nanoTime() - started) / 1e9);
    }

    @Test
    void promtoolChecksTheMetricsPage_andFindsNothing(@TempDir Path directory) throws Exception {
        Path promtool = PrometheusTools.require("promtool");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.pipeline().apiPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("cachepipe_db_loads_seconds_bucket", "hikaricp_connections_active", "kafka_consumer_");
        Path scrape = Files.writeString(directory.resolve("metrics.txt"), page.body());

        PrometheusTools.Run check = PrometheusTools.run(directory, 60, "sh", "-c", "'" + promtool + "' check metrics < metrics.txt");

        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).as("promtool check metrics' findings").isEmpty();
    }

    /** Reads of every read view (each twice: misses, then hits), a write the pipeline carries to the cache, reads again. */
    private void driveTraffic() throws Exception {
        read();
        namespace.jdbc().update("UPDATE products SET price = price + 1 WHERE id <= 10");
        namespace.jdbc().update("UPDATE categories SET name = name || '.' WHERE id = 1");
        demo.pipeline().awaitCaughtUp(Duration.ofSeconds(60));
        read();
        await("Prometheus to scrape the demo a few times after the traffic").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode targets = prometheus.api("targets").path("activeTargets");
            assertThat(targets).isNotEmpty().allSatisfy(target ->
                    assertThat(target.path("health").asText()).as(target.toString()).isEqualTo("up"));
            JsonNode scrapes = prometheus.query("min(count_over_time(up[1m]))").path("data").path("result");
            assertThat(scrapes).as("scrapes of each target").isNotEmpty();
            assertThat(scrapes.get(0).path("value").get(1).asDouble()).isGreaterThanOrEqualTo(5);
            JsonNode invalidated = prometheus.query("sum(cachepipe_freshness_invalidated_seconds_count)").path("data").path("result");
            assertThat(invalidated).as("the write's invalidations, scraped").isNotEmpty();
            assertThat(invalidated.get(0).path("value").get(1).asDouble()).isPositive();
        });
    }

    private void read() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int id = 1; id <= 30; id++) {
                get("/products/" + id);
                get("/products/" + id + "/reviews/summary");
            }
            for (int category = 1; category <= CATEGORIES; category++) {
                get("/categories/" + category);
                get("/categories/" + category + "/products");
            }
        }
    }

    private void get(String path) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.pipeline().apiPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
    }
}
