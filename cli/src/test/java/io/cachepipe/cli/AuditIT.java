package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.audit.AuditReport;
import io.cachepipe.core.audit.CacheAudit;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The audit on real servers: clean after ordinary traffic and changes, and when a value is planted
 * behind the pipeline's back it names exactly that key, and {@code cachepipe audit} exits non-zero.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {
    private ExamplePipeline catalog;

    @BeforeAll
    void startPipeline(DevStack stack, TestNamespace namespace) throws Exception {
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
        assertThat(before.clean()).as(before.render()).isTrue();
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

        var output = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
        try {
            exit = new CommandLine(new AuditCommand(catalog.settings())).execute("--views", "product", "--settle", "2s");
        } finally {
            System.setOut(original);
        }
        String printed = output.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertThat(exit).isEqualTo(AuditCommand.INCOHERENT);
        assertThat(printed).contains("STALE   " + stale.redisKey()).contains("EXTRA   " + extra.redisKey()).contains("INCOHERENT");
    }

    @Test
    void sampling_checksAShareOfTheKeys() {
        AuditReport sampled = catalog.pipeline().audit().run(new CacheAudit.Options(List.of("product"), 0.2,
                java.time.Duration.ofSeconds(2), 5));
        var product = sampled.views().getFirst();
        assertThat(product.checked()).isLessThan(product.cachedKeys());
    }
}
