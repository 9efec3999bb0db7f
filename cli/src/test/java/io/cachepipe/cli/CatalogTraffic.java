package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.view.CacheKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fault ITs run on the demo catalog through a fault: one writer changing prices, stock and
 * categories over JDBC, one reader reading products and listing pages through the API, both counted;
 * and the check after: every product, listing page and category the API serves equals plain JDBC
 * reads ({@link CatalogOracle}).
 */
final class CatalogTraffic implements AutoCloseable {
    private static final int PAGE_SIZE = 20;
    private static final java.util.Set<String> CACHED = java.util.Set.of("NEAR", "HIT", "STALE", "COALESCED");

    private final CatalogEndpoints catalog;
    private final int products;
    private final int categories;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong readFailures = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    /** Reads answered from the cache (X-Cache NEAR, HIT, STALE or COALESCED): they need no database. */
    private final AtomicLong cachedReads = new AtomicLong();
    /** The cache key of every read that failed, in order. */
    private final Queue<CacheKey> failedKeys = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads;

    /** @param firstWritten the lowest product id the writer changes (ids below it are the test's own) */
    private CatalogTraffic(CatalogEndpoints catalog, int products, int categories, long firstWritten, long seed) {
        this.catalog = catalog;
        this.products = products;
        this.categories = categories;
        this.threads = List.of(Thread.ofPlatform().name("writer").start(() -> {
            var random = new SplittableRandom(seed);
            while (running.get()) {
                try {
                    write(random, firstWritten);
                    writes.incrementAndGet();
                } catch (RuntimeException e) {
                    // the database is away (a fault test stopped it): count, pause a little, try the next write
                    writeFailures.incrementAndGet();
                    pauseAfterFailure();
                }
            }
        }), Thread.ofPlatform().name("reader").start(() -> {
            var random = new SplittableRandom(seed + 1);
            while (running.get()) {
                read(random);
            }
        }));
    }

    /** Reads every product and each category's first page and summary once (filling the cache), then starts the traffic. */
    static CatalogTraffic start(CatalogEndpoints catalog, int products, int categories, long firstWritten, long seed) throws Exception {
        for (long id = 1; id <= products; id++) {
            assertThat(catalog.get("/products/" + id).statusCode()).isEqualTo(200);
        }
        for (long category = 1; category <= categories; category++) {
            assertThat(catalog.get("/categories/" + category + "/products?page=1").statusCode()).isEqualTo(200);
            assertThat(catalog.get("/categories/" + category).statusCode()).isEqualTo(200);
        }
        return new CatalogTraffic(catalog, products, categories, firstWritten, seed);
    }

    long writes() {
        return writes.get();
    }

    long reads() {
        return reads.get();
    }

    /** Reads that failed or answered 5xx. */
    long readFailures() {
        return readFailures.get();
    }

    /** Writes that failed (the database refused or was unreachable); they changed nothing. */
    long writeFailures() {
        return writeFailures.get();
    }

    /** The cache keys of the reads that failed, oldest first. */
    List<CacheKey> failedKeys() {
        return List.copyOf(failedKeys);
    }

    /** Reads answered from the cache without the database (X-Cache NEAR, HIT, STALE, COALESCED). */
    long cachedReads() {
        return cachedReads.get();
    }

    /** Waits until the writer has made {@code count} writes since {@code since} (a {@link #writes()} figure). */
    void awaitWrites(long since, long count, Duration timeout) {
        await().atMost(timeout).until(() -> writes.get() >= since + count);
    }

    /** Stops the writer and the reader and waits for both. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Every product, every listing page (and the empty one after the last) and every category, against plain JDBC. */
    void assertServedEqualsDatabase() throws Exception {
        assertServedEqualsDatabase(catalog, products, categories);
    }

    /** The same check on any catalog pipeline; a product the database no longer has must answer 404. */
    static void assertServedEqualsDatabase(CatalogEndpoints catalog, int products, int categories) throws Exception {
        try (var oracle = new CatalogOracle(catalog.jdbc())) {
            for (long id = 1; id <= products; id++) {
                var row = oracle.product(id);
                var served = catalog.get("/products/" + id);
                if (row == null) {
                    assertThat(served.statusCode()).as("product " + id + " is not in the database: " + served.body()).isEqualTo(404);
                } else {
                    CatalogOracle.assertSame("product " + id, served.body(), row);
                }
            }
            for (long category = 1; category <= categories; category++) {
                long count = catalog.jdbc().queryValue(Long.class, "SELECT count(*) FROM products WHERE category_id = ?", category);
                for (int page = 1; page <= (count + PAGE_SIZE - 1) / PAGE_SIZE + 1; page++) {
                    CatalogOracle.assertSameList("category " + category + " page " + page,
                            catalog.get("/categories/" + category + "/products?page=" + page).body(), oracle.page(category, page));
                }
                CatalogOracle.assertSame("category " + category, catalog.get("/categories/" + category).body(), oracle.category(category));
            }
        }
    }

    private void write(SplittableRandom random, long firstWritten) {
        long id = firstWritten + random.nextInt((int) (products - firstWritten + 1));
        if (random.nextInt(4) == 0) {
            catalog.jdbc().update("UPDATE products SET category_id = ?, updated_at = now() WHERE id = ?", 1 + random.nextInt(categories), id);
        } else {
            catalog.jdbc().update("UPDATE products SET price = ?, stock = stock + 1, updated_at = now() WHERE id = ?",
                    new BigDecimal(random.nextInt(1, 100_000)).movePointLeft(2), id);
        }
    }

    private void read(SplittableRandom random) {
        boolean product = random.nextBoolean();
        long id = 1 + random.nextInt(product ? products : categories);
        var key = product ? catalog.key("product", Map.of("id", id))
                : catalog.key("category-products", Map.of("category_id", id, "page", 1));
        try {
            var response = catalog.get(product ? "/products/" + id : "/categories/" + id + "/products?page=1");
            reads.incrementAndGet();
            if (response.statusCode() >= 500) {
                readFailures.incrementAndGet();
                failedKeys.add(key);
            } else if (response.headers().firstValue("X-Cache").filter(CACHED::contains).isPresent()) {
                cachedReads.incrementAndGet();
            }
        } catch (Exception e) {
            readFailures.incrementAndGet();
            failedKeys.add(key);
            pauseAfterFailure();
        }
    }

    private static void pauseAfterFailure() {
        try {
            Thread.sleep(20); // back-off of a failing client, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
