package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.audit.AuditReport;
import io.cachepipe.core.audit.CacheAudit;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.ManagedServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The randomized soak: writers insert, update (moving products between categories) and delete
 * over JDBC, readers hammer the API, and meanwhile cdc-capture, the invalidator, the warmer, the
 * Redis server (losing its data) and the Kafka broker are killed and restarted in turn. When the
 * writers stop and the pipeline has drained, the audit must find nothing incoherent and every
 * product read through the API must equal the database.
 */
@WithDevStack
class SoakIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 10;
    private static final long SEED = Long.getLong("soak.seed", System.nanoTime());

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void killingEachPartInTurnUnderLoad_leavesNoIncoherentEntry(DevStack stack, TestNamespace namespace) throws Exception {
        System.out.println("soak seed " + SEED + " (rerun with -Dsoak.seed=" + SEED + ")");
        try (ExamplePipeline catalog = ExamplePipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES)) {
            var running = new AtomicBoolean(true);
            var writes = new AtomicLong();
            var reads = new AtomicLong();
            var readFailures = new ConcurrentLinkedQueue<String>();
            var nextId = new AtomicInteger(PRODUCTS + 1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var random = new SplittableRandom(SEED + i);
                threads.add(Thread.ofPlatform().name("soak-writer-" + i).start(() -> {
                    while (running.get()) {
                        write(catalog, random, nextId);
                        writes.incrementAndGet();
                    }
                }));
            }
            for (int i = 0; i < 4; i++) {
                var random = new SplittableRandom(SEED + 100 + i);
                threads.add(Thread.ofPlatform().name("soak-reader-" + i).start(() -> {
                    while (running.get()) {
                        read(catalog, random, nextId.get(), readFailures);
                        reads.incrementAndGet();
                    }
                }));
            }

            List<String> faults = List.of("cdc-capture", "invalidator", "warmer", "redis", "kafka");
            for (String fault : faults) {
                long before = writes.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > before + 200);
                long started = System.nanoTime();
                inject(fault, catalog, stack);
                System.out.printf("soak: %s killed and back in %.1f s (%d writes, %d reads so far)%n", fault,
                        (System.nanoTime() - started) / 1e9, writes.get(), reads.get());
            }
            long before = writes.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > before + 200);
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }

            catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(120));
            AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
            System.out.printf("soak: %d writes, %d reads, %d read failures; audit:%n%s", writes.get(), reads.get(),
                    readFailures.size(), audit.render());
            assertThat(audit.clean()).as(audit.render()).isTrue();
            assertThat(audit.checked()).isPositive();
            for (long id = 1; id < nextId.get(); id++) {
                CacheKey key = catalog.key("product", Map.of("id", id));
                String expected = catalog.expected(key);
                HttpResponse<String> served = catalog.get("/products/" + id);
                if (expected.isEmpty()) {
                    assertThat(served.statusCode()).as("product %d was deleted", id).isEqualTo(404);
                } else {
                    assertThat(served.body()).as("product %d", id).isEqualTo(expected);
                }
            }
            for (long category = 1; category <= CATEGORIES; category++) {
                CacheKey key = catalog.key("category-products", Map.of("category_id", category, "page", 1));
                assertThat(catalog.get("/categories/" + category + "/products").body()).isEqualTo(catalog.expected(key));
            }
            assertThat(readFailures).as("reads that failed while parts were down").isEmpty();
            AuditReport afterReads = catalog.pipeline().audit().run(CacheAudit.Options.everything());
            System.out.print(afterReads.render());
            assertThat(afterReads.clean()).as(afterReads.render()).isTrue();
            assertThat(afterReads.views()).filteredOn(view -> view.view().equals("category-products"))
                    .singleElement().satisfies(listings -> assertThat(listings.checked()).isGreaterThanOrEqualTo(CATEGORIES));
        }
    }

    private static void inject(String fault, ExamplePipeline catalog, DevStack stack) {
        switch (fault) {
            case "cdc-capture" -> catalog.pipeline().restartCdc();
            case "invalidator" -> catalog.pipeline().restartInvalidator();
            case "warmer" -> catalog.pipeline().restartWarmer();
            case "redis" -> bounce(stack.redis());
            case "kafka" -> bounce(stack.kafka());
            default -> throw new IllegalArgumentException(fault);
        }
    }

    private static void bounce(ManagedServer server) {
        server.stop();
        server.start();
    }

    private static void write(ExamplePipeline catalog, SplittableRandom random, AtomicInteger nextId) {
        long id = 1 + random.nextInt(nextId.get() - 1);
        int dice = random.nextInt(100);
        if (dice < 65) {
            catalog.jdbc().update("UPDATE products SET price = ?, stock = stock + 1, updated_at = now() WHERE id = ?",
                    new java.math.BigDecimal(random.nextInt(1, 100_000)).movePointLeft(2), id);
        } else if (dice < 80) {
            catalog.jdbc().update("UPDATE products SET category_id = ?, updated_at = now() WHERE id = ?",
                    1 + random.nextInt(CATEGORIES), id);
        } else if (dice < 92) {
            int newId = nextId.getAndIncrement();
            catalog.jdbc().update("INSERT INTO products (id, sku, name, price, stock, category_id) VALUES (?, ?, ?, ?, ?, ?)",
                    newId, "SOAK-" + newId, "soak product " + newId, new java.math.BigDecimal("9.99"), 5,
                    1 + random.nextInt(CATEGORIES));
        } else {
            catalog.jdbc().update("DELETE FROM products WHERE id = ?", id);
        }
    }

    private static void read(ExamplePipeline catalog, SplittableRandom random, int maxId, ConcurrentLinkedQueue<String> failures) {
        String path = random.nextBoolean()
                ? "/products/" + (1 + random.nextInt(maxId))
                : "/categories/" + (1 + random.nextInt(CATEGORIES)) + "/products?page=" + (1 + random.nextInt(2));
        try {
            int status = catalog.get(path).statusCode();
            if (status != 200 && status != 404) {
                failures.add(path + " → " + status);
            }
        } catch (Exception e) {
            failures.add(path + " → " + e);
        }
    }
}
