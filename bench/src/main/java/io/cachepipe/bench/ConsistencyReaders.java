package io.cachepipe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readers of {@code bench consistency}: closed-loop {@code GET}s through the HTTP API, a
 * {@code listingShare} of them listing pages, the rest single products, until {@code reads} were sent.
 * Each read is stamped before it is sent and checked against {@link CommitTimes} once answered: a
 * product by its {@code stock}, a listing page by the {@code stock} of every product it holds (the
 * page is as stale as its stalest item). Reads that start inside the {@link FaultWindow} are tallied
 * apart.
 */
final class ConsistencyReaders {
    static final String PRODUCT = "product";
    static final String LISTING = "category-products";

    /** When a fault was under way: from its start until the pipeline caught up again. Unset: no fault. */
    static final class FaultWindow {
        private volatile long start = Long.MAX_VALUE;
        private volatile long end = Long.MAX_VALUE;

        void open() {
            start = System.nanoTime();
        }

        void close() {
            end = System.nanoTime();
        }

        double seconds() {
            return start == Long.MAX_VALUE || end == Long.MAX_VALUE ? 0 : (end - start) / 1e9;
        }

        boolean contains(long nanos) {
            return nanos >= start && nanos < end;
        }
    }

    /** Tallies of one reader, or all of them merged: per view, steady and during the fault. */
    record Tallies(ConsistencyTally product, ConsistencyTally listing, ConsistencyTally productFault, ConsistencyTally listingFault) {
        static Tallies empty(Duration bound) {
            return new Tallies(new ConsistencyTally(bound), new ConsistencyTally(bound), new ConsistencyTally(bound),
                    new ConsistencyTally(bound));
        }

        void add(Tallies other) {
            product.add(other.product);
            listing.add(other.listing);
            productFault.add(other.productFault);
            listingFault.add(other.listingFault);
        }
    }

    private final InetSocketAddress target;
    private final CommitTimes commits;
    private final Workload workload;
    private final double listingShare;
    private final Duration bound;
    private final FaultWindow fault;
    private final AtomicLong tickets = new AtomicLong();

    ConsistencyReaders(InetSocketAddress target, CommitTimes commits, Workload workload, double listingShare, Duration bound,
                       FaultWindow fault) {
        this.target = target;
        this.commits = commits;
        this.workload = workload;
        this.listingShare = listingShare;
        this.bound = bound;
        this.fault = fault;
    }

    /** Reads sent so far, across the readers. */
    long sent() {
        return tickets.get();
    }

    /** Sends {@code reads} reads over {@code connections} connections and answers their tallies, merged. */
    Tallies run(long reads, int connections, long seed) {
        List<Tallies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        var seeds = new SplittableRandom(seed);
        for (int i = 0; i < connections; i++) {
            Tallies tallies = Tallies.empty(bound);
            perThread.add(tallies);
            SplittableRandom random = seeds.split();
            threads.add(Thread.ofPlatform().daemon().name("consistency-reader-" + i).start(() -> read(reads, random, tallies)));
        }
        Tallies all = Tallies.empty(bound);
        for (int i = 0; i < threads.size(); i++) {
            try {
                threads.get(i).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the readers ran", e);
            }
            all.add(perThread.get(i));
        }
        return all;
    }

    private void read(long reads, SplittableRandom random, Tallies tallies) {
        LoadGenerator.Paths products = workload.endpoint("product").paths();
        LoadGenerator.Paths listings = workload.endpoint("listing").paths();
        var body = new ByteArrayOutputStream(8192);
        HttpConnection connection = null;
        try {
            while (tickets.getAndIncrement() < reads) {
                boolean listing = random.nextDouble() < listingShare;
                String path = (listing ? listings : products).next(random);
                long start = System.nanoTime();
                boolean inFault = fault.contains(start);
                ConsistencyTally tally = listing ? (inFault ? tallies.listingFault() : tallies.listing())
                        : (inFault ? tallies.productFault() : tallies.product());
                try {
                    if (connection == null) {
                        connection = new HttpConnection(target);
                    }
                    if (connection.get(path, body) != 200) {
                        tally.error();
                        continue;
                    }
                    check(Json.mapper().readTree(body.toByteArray()), listing, start, tally);
                } catch (IOException | RuntimeException e) {
                    tally.error();
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private void check(JsonNode served, boolean listing, long start, ConsistencyTally tally) {
        if (!listing) {
            long staleness = staleness(served, start);
            tally.read(1, staleness == CommitTimes.FRESH ? 0 : 1, staleness);
            return;
        }
        long stalest = CommitTimes.FRESH;
        int stale = 0;
        for (JsonNode item : served) {
            long staleness = staleness(item, start);
            if (staleness != CommitTimes.FRESH) {
                stale++;
                stalest = Math.max(stalest, staleness);
            }
        }
        tally.read(served.size(), stale, stalest);
    }

    private long staleness(JsonNode product, long start) {
        JsonNode id = product.get("id");
        JsonNode stock = product.get("stock");
        if (id == null || stock == null || !stock.canConvertToLong()) {
            throw new IllegalStateException("not a product: " + product);
        }
        return commits.staleness(id.asLong(), stock.asLong(), start);
    }
}
