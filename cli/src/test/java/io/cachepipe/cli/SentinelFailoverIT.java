package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.RedisSentinelStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole pipeline on Redis through Sentinel ({@code redis.url = redis-sentinel://…}): the master fails
 * over while writers change products in PostgreSQL and readers read through the API, through the seconds
 * in which the old master still takes writes (they are lost when it is demoted), and afterwards every
 * product, listing page and category the API serves equals the database (an oracle of plain JDBC), and
 * the audit finds nothing incoherent or unconfirmed. A master, its replica and a Sentinel: the same
 * redis-server binary in three roles.
 */
@WithDevStack
@Timeout(300)
class SentinelFailoverIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int PAGE_SIZE = 20;
    private static final int WRITES_AROUND_FAILOVER = 150;

    @Test
    void aMasterFailoverUnderWrites_leavesEveryServedValueEqualToTheDatabase_andTheAuditClean(DevStack stack, TestNamespace namespace)
            throws Exception {
        try (var sentinel = RedisSentinelStack.start(Path.of("target", "sentinel-" + namespace.name()));
             var catalog = ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                     connection -> CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 11), Map.of("redis.url", sentinel.sentinelUri()))) {
            var oracle = new CatalogOracle(catalog.jdbc());
            readEverything(catalog); // fills the cache through the master
            var running = new AtomicBoolean(true);
            var writes = new AtomicLong();
            var reads = new AtomicLong();
            var readFailures = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            threads.add(Thread.ofPlatform().name("writer").start(() -> {
                var random = new SplittableRandom(5);
                while (running.get()) {
                    write(catalog, random);
                    writes.incrementAndGet();
                }
            }));
            threads.add(Thread.ofPlatform().name("reader").start(() -> {
                var random = new SplittableRandom(6);
                while (running.get()) {
                    try {
                        int status = catalog.get(random.nextBoolean() ? "/products/" + (1 + random.nextInt(PRODUCTS))
                                : "/categories/" + (1 + random.nextInt(CATEGORIES)) + "/products?page=1").statusCode();
                        reads.incrementAndGet();
                        if (status >= 500) {
                            readFailures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        readFailures.incrementAndGet();
                    }
                }
            }));

            await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() >= WRITES_AROUND_FAILOVER);
            int before = sentinel.masterPort();
            long failoverStarted = System.nanoTime();
            int after = sentinel.failover();
            long atFailover = writes.get();
            System.out.printf("Sentinel failover %d -> %d in %d ms; %d writes and %d reads so far%n", before, after,
                    (System.nanoTime() - failoverStarted) / 1_000_000, atFailover, reads.get());
            // Split brain until the Sentinel demotes the old master: clients still on it write there, and the resync
            // throws those writes away. The writers go on through it, and after it.
            sentinel.awaitDemoted(before, Duration.ofSeconds(60));
            long atDemotion = writes.get();
            System.out.printf("old master demoted %d ms after the failover began; %d writes meanwhile%n",
                    (System.nanoTime() - failoverStarted) / 1_000_000, atDemotion - atFailover);
            await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() >= atDemotion + WRITES_AROUND_FAILOVER);
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(120));
            AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
            System.out.printf("%d writes, %d reads (%d failed or 5xx, during the switch); audit:%n%s%n", writes.get(), reads.get(),
                    readFailures.get(), audit.render());

            assertThat(after).isNotEqualTo(before);
            for (long id = 1; id <= PRODUCTS; id++) {
                CatalogOracle.assertSame("product " + id, catalog.get("/products/" + id).body(), oracle.product(id));
            }
            for (long category = 1; category <= CATEGORIES; category++) {
                long products = catalog.jdbc().queryValue(Long.class, "SELECT count(*) FROM products WHERE category_id = ?", category);
                for (int page = 1; page <= (products + PAGE_SIZE - 1) / PAGE_SIZE + 1; page++) {
                    CatalogOracle.assertSameList("category " + category + " page " + page,
                            catalog.get("/categories/" + category + "/products?page=" + page).body(), oracle.page(category, page));
                }
                CatalogOracle.assertSame("category " + category, catalog.get("/categories/" + category).body(), oracle.category(category));
            }
            assertThat(audit.coherent()).as(audit.render()).isTrue();
            assertThat(audit.unconfirmed()).as(audit.render()).isZero();
            assertThat(audit.checked()).isPositive();
        }
    }

    private static void readEverything(ExamplePipeline catalog) throws Exception {
        for (long id = 1; id <= PRODUCTS; id++) {
            assertThat(catalog.get("/products/" + id).statusCode()).isEqualTo(200);
        }
        for (long category = 1; category <= CATEGORIES; category++) {
            HttpResponse<String> page = catalog.get("/categories/" + category + "/products?page=1");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(catalog.get("/categories/" + category).statusCode()).isEqualTo(200);
        }
    }

    private static void write(ExamplePipeline catalog, SplittableRandom random) {
        long id = 1 + random.nextInt(PRODUCTS);
        if (random.nextInt(4) == 0) {
            catalog.jdbc().update("UPDATE products SET category_id = ?, updated_at = now() WHERE id = ?", 1 + random.nextInt(CATEGORIES), id);
        } else {
            catalog.jdbc().update("UPDATE products SET price = ?, stock = stock + 1, updated_at = now() WHERE id = ?",
                    new BigDecimal(random.nextInt(1, 100_000)).movePointLeft(2), id);
        }
    }
}
