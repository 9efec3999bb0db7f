package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.ManagedServer;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.PartProcess;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The randomized soak: writers insert, update (moving products between categories) and delete
 * over JDBC (three writers, 150 writes/s in all), readers hammer the API, and meanwhile each part is killed for real: cdc-capture, the
 * invalidator and the warmer run as child JVMs ({@link PartProcess}) and are SIGKILLed in turn (no
 * shutdown hook, no offset commit, no flush) and started again; the Redis server is stopped and
 * comes back empty; the Kafka broker is stopped. Both outages last {@link #OUTAGE} and until
 * {@link #WRITES_DURING_OUTAGE} writes have piled up behind them. The writers stop as the last fault
 * ends (later writes would re-invalidate most keys and mask an invalidation lost in a fault window).
 * When the pipeline has drained, the audit must find nothing incoherent and nothing unconfirmed, and
 * every product, every listing page and every category read through the API must equal the database
 * as {@link CatalogOracle} reads it: plain JDBC, compared by meaning, sharing no code with the renderer.
 * The warmer's background audit runs every few seconds throughout and must count nothing incoherent.
 */
@WithDevStack
class SoakIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 10;
    private static final int PAGE_SIZE = 20;
    private static final int WRITES_BETWEEN_FAULTS = 200;
    private static final int WRITES_PER_SECOND_PER_WRITER = 50;
    private static final Duration OUTAGE = Duration.ofSeconds(4);
    private static final int WRITES_DURING_OUTAGE = 300;
    private static final long SEED = Long.getLong("soak.seed", System.nanoTime());
    /** {@code -Dsoak.plant-lost-invalidation=true}: lose one change on purpose, to see the checks fail. */
    private static final boolean PLANT_LOST_INVALIDATION = Boolean.getBoolean("soak.plant-lost-invalidation");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void killingEachPartInTurnUnderLoad_leavesNoIncoherentEntry(DevStack stack, TestNamespace namespace) throws Exception {
        System.out.println("soak seed " + SEED + " (rerun with -Dsoak.seed=" + SEED + ")");
        long soakStarted = System.nanoTime();
        // The warmer's background audit runs throughout, and must raise no false alarm under the faults either.
        Map<String, String> auditOften = Map.of("audit.interval", "3s", "audit.sample-rate", "0.2");
        try (ChildPipeline pipeline = ChildPipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES, auditOften)) {
            say(soakStarted, "4 child processes ready and caught up in %.1f s%n", seconds(soakStarted));
            var running = new AtomicBoolean(true);
            var writes = new AtomicLong();
            var reads = new AtomicLong();
            var readFailures = new ConcurrentLinkedQueue<String>();
            var nextId = new AtomicInteger(PRODUCTS + 1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                var random = new SplittableRandom(SEED + i);
                threads.add(Thread.ofPlatform().name("soak-writer-" + i).start(() -> {
                    // One connection per writer for the whole run: a connection per write (a backend forked and
                    // authenticated each time) held the writers to about 10 writes/s and the soak to four minutes.
                    // Paced, as a busy application is: unpaced, three writers make 8,000 writes/s and the checks at
                    // the end read tens of thousands of products.
                    long interval = TimeUnit.SECONDS.toNanos(1) / WRITES_PER_SECOND_PER_WRITER;
                    long next = System.nanoTime();
                    try (Connection connection = pipeline.jdbc().connect()) {
                        while (running.get()) {
                            write(connection, random, nextId);
                            writes.incrementAndGet();
                            next += interval;
                            LockSupport.parkNanos(next - System.nanoTime());
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException("a soak writer's connection failed", e);
                    }
                }));
            }
            for (int i = 0; i < 4; i++) {
                var random = new SplittableRandom(SEED + 100 + i);
                threads.add(Thread.ofPlatform().name("soak-reader-" + i).start(() -> {
                    while (running.get()) {
                        read(pipeline, random, nextId.get(), readFailures);
                        reads.incrementAndGet();
                    }
                }));
            }

            for (String fault : List.of("cdc-capture", "invalidator", "warmer", "redis", "kafka")) {
                long before = writes.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > before + WRITES_BETWEEN_FAULTS);
                long started = System.nanoTime();
                long atFault = writes.get();
                String how = inject(fault, pipeline, stack, writes);
                double back = seconds(started);
                // Caught up under the writes before the next fault: two faults at once are another scenario
                // (ScaledOutFailoverIT, the fault benchmarks), and a restart guard's flush that came only after the last
                // fault would leave the first audit below with nothing current to compare.
                pipeline.awaitCaughtUp(Duration.ofSeconds(60));
                say(soakStarted, "%s %s; back in %.1f s, caught up in %.1f s, %d writes meanwhile (%d writes, %d reads so far)%n",
                        fault, how, back, seconds(started), writes.get() - atFault, writes.get(), reads.get());
            }
            // No writes after the last fault: they would re-invalidate most listing and aggregate keys and
            // hide an invalidation lost in a fault window from the checks below.
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            say(soakStarted, "writers stopped%n");

            long draining = System.nanoTime();
            pipeline.awaitCaughtUp(Duration.ofSeconds(120));
            say(soakStarted, "drained in %.1f s%n", seconds(draining));
            if (PLANT_LOST_INVALIDATION) {
                say(soakStarted, "planted a lost invalidation: %s%n", LostInvalidation.plant(pipeline, pipeline.invalidator()));
            }
            AuditReport audit = pipeline.audit().run(CacheAudit.Options.everything());
            say(soakStarted, "%d writes, %d reads, %d read failures; audit:%n%s", writes.get(), reads.get(),
                    readFailures.size(), audit.render());

            int pages;
            try (var oracle = new CatalogOracle(pipeline.jdbc())) {
                assertEveryProductEqualsTheDatabase(pipeline, oracle, nextId.get());
                pages = assertEveryListingPageEqualsTheDatabase(pipeline, oracle);
                for (long category = 1; category <= CATEGORIES; category++) {
                    Map<String, Object> expected = oracle.category(category);
                    assertThat(expected).as("category %d", category).isNotNull();
                    CatalogOracle.assertSame("category " + category, pipeline.get("/categories/" + category).body(), expected);
                }
            }
            // The independent oracle first, then the pipeline's own audit.
            assertThat(audit.coherent()).as(audit.render()).isTrue();
            assertThat(audit.unconfirmed()).as("mismatches the audit could not confirm or clear\n" + audit.render()).isZero();
            assertThat(audit.checked()).isPositive();
            assertThat(readFailures).as("reads that failed while parts were down").isEmpty();
            double backgroundChecks = pipeline.scrape(pipeline.warmer(), "cachepipe_audit_checks_total");
            say(soakStarted, "the restarted warmer's background audit checked %.0f entries%n", backgroundChecks);
            assertThat(backgroundChecks).isPositive();
            assertThat(pipeline.scrape(pipeline.warmer(), "cachepipe_audit_incoherent_total"))
                    .as("background audit alarms; see %s", pipeline.warmer().log()).isZero();

            AuditReport afterReads = pipeline.audit().run(CacheAudit.Options.everything());
            say(soakStarted, "every product, listing page and category equals the database; audit after the reads:%n%s",
                    afterReads.render());
            assertThat(afterReads.coherent()).as(afterReads.render()).isTrue();
            assertThat(afterReads.unconfirmed()).as(afterReads.render()).isZero();
            assertThat(afterReads.views()).filteredOn(view -> view.view().equals("category-products"))
                    .singleElement().satisfies(listings -> assertThat(listings.checked()).isGreaterThanOrEqualTo(pages));
        }
        say(soakStarted, "%.1f s in all%n", seconds(soakStarted));
    }

    private static String inject(String fault, ChildPipeline pipeline, DevStack stack, AtomicLong writes) {
        return switch (fault) {
            case "cdc-capture" -> sigkill(pipeline, pipeline.cdc());
            case "invalidator" -> sigkill(pipeline, pipeline.invalidator());
            case "warmer" -> sigkill(pipeline, pipeline.warmer());
            case "redis" -> outage(stack.redis(), writes);
            case "kafka" -> outage(stack.kafka(), writes);
            default -> throw new IllegalArgumentException(fault);
        };
    }

    private static String sigkill(ChildPipeline pipeline, PartProcess part) {
        long pid = part.pid();
        pipeline.killAndRestart(part);
        return "SIGKILLed (pid " + pid + ") and restarted (pid " + part.pid() + ")";
    }

    /** Stops a server for at least {@link #OUTAGE} and until writes have piled up, then starts it again. */
    private static String outage(ManagedServer server, AtomicLong writes) {
        long stopped = System.nanoTime();
        server.stop();
        long atStop = writes.get();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - stopped >= OUTAGE.toNanos()
                    && writes.get() >= atStop + WRITES_DURING_OUTAGE);
        } finally {
            server.start();
        }
        return String.format("stopped for %.1f s with %d writes behind it", seconds(stopped), writes.get() - atStop);
    }

    private static void assertEveryProductEqualsTheDatabase(ChildPipeline pipeline, CatalogOracle oracle, int maxId) throws Exception {
        for (long id = 1; id < maxId; id++) {
            Map<String, Object> expected = oracle.product(id);
            HttpResponse<String> served = pipeline.get("/products/" + id);
            if (expected == null) {
                assertThat(served.statusCode()).as("product %d was deleted", id).isEqualTo(404);
            } else {
                CatalogOracle.assertSame("product " + id, served.body(), expected);
            }
        }
    }

    /** Every page of every category, and the empty page after the last; answers how many pages that was. */
    private static int assertEveryListingPageEqualsTheDatabase(ChildPipeline pipeline, CatalogOracle oracle) throws Exception {
        int pages = 0;
        for (long category = 1; category <= CATEGORIES; category++) {
            long products = pipeline.jdbc().queryValue(Long.class, "SELECT count(*) FROM products WHERE category_id = ?", category);
            long lastPage = Math.max(1, (products + PAGE_SIZE - 1) / PAGE_SIZE);
            for (int page = 1; page <= lastPage + 1; page++) {
                CatalogOracle.assertSameList("category " + category + " page " + page,
                        pipeline.get("/categories/" + category + "/products?page=" + page).body(), oracle.page(category, page));
                pages++;
            }
        }
        return pages;
    }

    private static void write(Connection connection, SplittableRandom random, AtomicInteger nextId) throws SQLException {
        long id = 1 + random.nextInt(nextId.get() - 1);
        int dice = random.nextInt(100);
        if (dice < 65) {
            update(connection, "UPDATE products SET price = ?, stock = stock + 1, updated_at = now() WHERE id = ?",
                    new BigDecimal(random.nextInt(1, 100_000)).movePointLeft(2), id);
        } else if (dice < 80) {
            update(connection, "UPDATE products SET category_id = ?, updated_at = now() WHERE id = ?", 1 + random.nextInt(CATEGORIES), id);
        } else if (dice < 92) {
            int newId = nextId.getAndIncrement();
            update(connection, "INSERT INTO products (id, sku, name, price, stock, category_id) VALUES (?, ?, ?, ?, ?, ?)",
                    newId, "SOAK-" + newId, "soak product " + newId, new BigDecimal("9.99"), 5, 1 + random.nextInt(CATEGORIES));
        } else {
            update(connection, "DELETE FROM products WHERE id = ?", id);
        }
    }

    private static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    private static void read(ChildPipeline pipeline, SplittableRandom random, int maxId, ConcurrentLinkedQueue<String> failures) {
        String path = switch (random.nextInt(5)) {
            case 0, 1 -> "/products/" + (1 + random.nextInt(maxId));
            case 2 -> "/categories/" + (1 + random.nextInt(CATEGORIES));
            default -> "/categories/" + (1 + random.nextInt(CATEGORIES)) + "/products?page=" + (1 + random.nextInt(3));
        };
        try {
            int status = pipeline.get(path).statusCode();
            if (status != 200 && status != 404) {
                failures.add(path + " → " + status);
            }
        } catch (Exception e) {
            failures.add(path + " → " + e);
        }
    }

    private static void say(long soakStarted, String format, Object... args) {
        System.out.printf(java.util.Locale.ROOT, "soak +%5.1f s: %s", seconds(soakStarted),
                String.format(java.util.Locale.ROOT, format, args));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
