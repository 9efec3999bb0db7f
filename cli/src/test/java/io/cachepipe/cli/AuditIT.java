package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.ops.AuditCommand;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.audit.AuditConfig;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.BackgroundAudit;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The audit on real servers: clean after ordinary traffic and changes, and when a value is planted
 * behind the pipeline's back it names exactly that key, {@code cachepipe audit} exits non-zero, and
 * the background audit counts it in {@code cachepipe.audit.incoherent}. Each test removes what it
 * planted.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {
    private ExamplePipeline catalog;
    private TestNamespace namespace;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
        this.namespace = namespace;
        catalog = ExamplePipeline.catalog(stack, namespace, 200, 5);
        for (int id = 1; id <= 60; id++) {
            catalog.get("/products/" + id);
        }
        for (int category = 1; category <= 5; category++) {
            catalog.get("/categories/" + category + "/products");
            catalog.get("/categories/" + category + "/products?page=2");
        }
        catalog.get("/products/999"); // a cached "not found"
        catalog.jdbc().update("UPDATE products SET price = price + 1 WHERE id <= 20");
        catalog.jdbc().update("UPDATE products SET category_id = 2 WHERE id = 30");
        catalog.pipeline().awaitCaughtUp(java.time.Duration.ofSeconds(30));
    }

    @AfterAll
    void stopPipeline() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void plantedValues_areReportedExactly_andTheCommandExitsNonZero() throws Exception {
        CacheAudit audit = catalog.pipeline().audit();
        AuditReport before = audit.run(CacheAudit.Options.everything());
        assertThat(before.verdict()).as(before.render()).isEqualTo(AuditReport.Verdict.CLEAN);
        System.out.print(before.render());
        assertThat(before.checked()).isGreaterThanOrEqualTo(60);
        assertThat(before.views()).filteredOn(view -> view.view().equals("category-products"))
                .singleElement().satisfies(listings -> assertThat(listings.checked()).isGreaterThanOrEqualTo(9));

        // Behind the pipeline's back: a wrong price under a version no change will ever supersede, and
        // a row that does not exist. The pipeline cannot fix either; only the audit can see them.
        CacheKey stale = catalog.key("product", Map.of("id", 9L));
        CacheKey extra = catalog.key("product", Map.of("id", 5000L));
        Version future = new Version(Long.MAX_VALUE / 2);
        String wrong = catalog.cached(stale).replaceAll("\"price\":[0-9.]+", "\"price\":0.01");
        assertThat(catalog.pipeline().store().write(stale, future, wrong.getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().join()).isTrue();
        assertThat(catalog.pipeline().store().write(extra, future, "{\"id\":5000}".getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture().join()).isTrue();

        AuditReport after = audit.run(CacheAudit.Options.everything());

        assertThat(after.incoherent()).as(after.render()).isEqualTo(2);
        var product = after.views().stream().filter(view -> view.view().equals("product")).findFirst().orElseThrow();
        assertThat(product.stale()).isEqualTo(1);
        assertThat(product.extra()).isEqualTo(1);
        assertThat(product.examples()).extracting(AuditReport.Finding::key)
                .containsExactlyInAnyOrder(stale.redisKey(), extra.redisKey());

        Cli.Result command = Cli.run(catalog.settings(), "audit", "--views", "product", "--settle", "2s");
        System.out.print(command.out());
        assertThat(command.exit()).as(command.text()).isEqualTo(AuditCommand.INCOHERENT);
        assertThat(command.out()).contains("STALE    " + stale.redisKey()).contains("EXTRA    " + extra.redisKey())
                .contains("INCOHERENT: 2 of the ");
        removePlanted(stale, extra);
    }

    @Test
    void backgroundAudit_countsChecks_andAPlantedStaleValueAsIncoherent() throws Exception {
        var metrics = Metrics.prometheus("warmer");
        try (var background = new BackgroundAudit(catalog.pipeline().audit(),
                new AuditConfig(Duration.ofMillis(200), 1.0, Duration.ofSeconds(5)), metrics)) {
            background.start();
            await("a first background audit").until(() -> counted(metrics, MetricNames.AUDIT_CHECKS, "product") >= 50);
            assertThat(counted(metrics, MetricNames.AUDIT_INCOHERENT, "product", "stale")).as("nothing planted yet").isZero();

            CacheKey planted = catalog.key("product", Map.of("id", 11L));
            String wrong = catalog.cached(planted).replaceAll("\"stock\":[0-9]+", "\"stock\":-1");
            assertThat(catalog.pipeline().store().write(planted, new Version(Long.MAX_VALUE / 2),
                    wrong.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join()).isTrue();
            try {
                await("the background audit to count the planted value")
                        .until(() -> counted(metrics, MetricNames.AUDIT_INCOHERENT, "product", "stale") >= 1);
            } finally {
                removePlanted(planted);
            }
        }
        assertThat(counted(metrics, MetricNames.AUDIT_INCOHERENT, "product", "missing")).isZero();
        assertThat(counted(metrics, MetricNames.AUDIT_INCOHERENT, "product", "extra")).isZero();
        assertThat(counted(metrics, MetricNames.AUDIT_INCOHERENT, "category-products", "stale")).isZero();
        assertThat(metrics.scrape()).contains("cachepipe_audit_checks_total{").contains("cachepipe_audit_incoherent_total{");
    }

    /** Counter value by view (and kind), 0 when not registered yet. */
    private static double counted(MeterRegistry metrics, String name, String view, String... kind) {
        var search = metrics.find(name).tag("view", view);
        if (kind.length > 0) {
            search = search.tag("kind", kind[0]);
        }
        Counter counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * Deletes values planted under a version no change supersedes, then reads each key again, so the
     * other tests see the cache as the set-up left it: coherent, every registered key held.
     */
    private void removePlanted(CacheKey... keys) throws Exception {
        for (CacheKey key : keys) {
            catalog.redis().commands().del(key.redisKey().getBytes(StandardCharsets.UTF_8)).get();
            catalog.fill(key);
        }
    }

    @Test
    void registryEntriesWhoseKeysAreGone_areReportedButDoNotFailTheAudit_andFixPrunesThem() throws Exception {
        List<CacheKey> evicted = java.util.stream.LongStream.rangeClosed(51, 58).mapToObj(id -> catalog.key("product", Map.of("id", id)))
                .toList();
        for (CacheKey key : evicted) {
            assertThat(catalog.cached(key)).as("cached by the set-up").isNotNull();
        }
        try {
            // What a Redis evicting under memory pressure, or a lost shard, leaves: registry entries, no keys.
            evicted.forEach(key -> catalog.redis().commands().del(key.redisKey().getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join());

            Cli.Result report = Cli.run(catalog.settings(), "audit", "--views", "product", "--examples", "3");
            assertThat(report.exit()).as(report.text()).isZero();
            assertThat(report.out()).contains("CLEAN: compared ").contains(", 8 gone (").containsPattern("GONE +" + namespace.keyPrefix())
                    .doesNotContain("pruned");
            assertThat(report.out().lines().filter(line -> line.strip().startsWith("GONE"))).hasSize(3);

            Cli.Result fixed = Cli.run(catalog.settings(), "audit", "--views", "product", "--fix");
            assertThat(fixed.exit()).as(fixed.text()).isZero();
            assertThat(fixed.out()).as("the 8 gone, and the cached 'not found' of product 999 once it expired")
                    .containsPattern("\\b(8|9) entries of gone keys pruned from the registries");
            AuditReport after = catalog.pipeline().audit().run(new CacheAudit.Options(List.of("product"), 1.0, Duration.ofSeconds(2), 5));
            assertThat(after.gone()).as(after.render()).isZero();
            assertThat(after.registered()).isEqualTo(after.checked() + after.pending() + after.expired());
        } finally {
            for (CacheKey key : evicted) {
                catalog.fill(key);
            }
        }
    }

    @Test
    void whenEveryRegisteredKeyIsGone_theAuditSaysNothingToCheck_andExitsNonZero_untilTheRegistryIsPruned() throws Exception {
        List<CacheKey> summaries = java.util.stream.LongStream.rangeClosed(1, 4)
                .mapToObj(id -> catalog.key("product-reviews", Map.of("product_id", id))).toList();
        for (CacheKey key : summaries) {
            catalog.get("/products/" + key.params().get("product_id") + "/reviews/summary");
        }
        await().until(() -> summaries.stream().allMatch(key -> cachedQuietly(key) != null));
        summaries.forEach(key -> catalog.redis().commands().del(key.redisKey().getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join());

        // What the issue saw as "product 7298 cached, 0 checked … CLEAN".
        Cli.Result nothing = Cli.run(catalog.settings(), "audit", "--views", "product-reviews");
        assertThat(nothing.exit()).as(nothing.text()).isEqualTo(AuditCommand.EXPECTED_ENTRIES_MISSING);
        assertThat(nothing.out()).contains("NOTHING TO CHECK: no registered entry held a value to compare; of 4 registered entries")
                .contains("4 gone").doesNotContain("CLEAN");

        Cli.Result pruned = Cli.run(catalog.settings(), "audit", "--views", "product-reviews", "--fix");
        assertThat(pruned.exit()).as(pruned.text()).isEqualTo(AuditCommand.EXPECTED_ENTRIES_MISSING);
        assertThat(pruned.out()).contains("4 entries of gone keys pruned");

        Cli.Result empty = Cli.run(catalog.settings(), "audit", "--views", "product-reviews");
        assertThat(empty.exit()).as("a registry naming nothing expects nothing: " + empty.text()).isZero();
        assertThat(empty.out()).contains("NOTHING TO CHECK: no view's registry names an entry");
    }

    private String cachedQuietly(CacheKey key) {
        try {
            return catalog.cached(key);
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void sampling_checksAShareOfTheKeys() {
        AuditReport sampled = catalog.pipeline().audit().run(new CacheAudit.Options(List.of("product"), 0.2,
                java.time.Duration.ofSeconds(2), 5));
        var product = sampled.views().getFirst();
        assertThat(product.checked()).isLessThan(product.registered());
    }
}
