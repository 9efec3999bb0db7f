package io.cachepipe.demo;

import io.cachepipe.testsupport.Jdbc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Light production-like traffic while an operator works: product reads through the API, one in a
 * hundred requests a price change made straight in PostgreSQL (the benchmarks' "1% writes"), at a
 * fixed pace that leaves the two cores of a build machine to the pipeline and the command under test.
 */
final class Traffic implements AutoCloseable {
    private static final long PERIOD_MICROS = 5_000;
    private static final int WRITE_EVERY = 100;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().daemon().name("traffic").unstarted(runnable));
    private final SplittableRandom random = new SplittableRandom(11);
    private final String api;
    private final Jdbc database;
    private final int products;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private Traffic(int apiPort, Jdbc database, int products) {
        this.api = "http://127.0.0.1:" + apiPort;
        this.database = database;
        this.products = products;
    }

    static Traffic start(int apiPort, Jdbc database, int products) {
        var traffic = new Traffic(apiPort, database, products);
        traffic.pace.scheduleAtFixedRate(traffic::step, 0, PERIOD_MICROS, TimeUnit.MICROSECONDS);
        return traffic;
    }

    private void step() {
        long id = 1 + random.nextInt(products);
        try {
            if (requests.incrementAndGet() % WRITE_EVERY == 0) {
                database.update("UPDATE products SET price = price + 0.01 WHERE id = " + id);
                writes.incrementAndGet();
            } else {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(api + "/products/" + id))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                (response.statusCode() == 200 ? reads : failures).incrementAndGet();
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    long reads() {
        return reads.get();
    }

    long writes() {
        return writes.get();
    }

    long failures() {
        return failures.get();
    }

    @Override
    public String toString() {
        return reads() + " reads, " + writes() + " writes, " + failures() + " failures";
    }

    /** Stops sending; returns once the request in progress, if any, is done. */
    @Override
    public void close() {
        pace.shutdown();
        try {
            if (!pace.awaitTermination(10, TimeUnit.SECONDS)) {
                pace.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
