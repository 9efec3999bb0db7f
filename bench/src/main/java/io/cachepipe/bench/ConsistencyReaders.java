package io.cachepipe.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * product by its {@code stock}, a listing page by the {@code stock} of every product it holds and by
 * the products it lists ({@link Listings}: none missing that it must list, none listed that it must
 * not); the page is as stale as its stalest item or membership. Reads that start inside a fault's
 * {@link FaultWindow} are tallied apart, per fault. Answers are parsed as a stream from the buffer they were read
 * into, keeping only ids and counters, so that the checker's own cost stays small next to the API's.
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

    /**
     * Tallies of one reader, or all of them merged, per view and phase: phase 0 is steady (outside every fault's window),
     * phase {@code i + 1} the reads that began during fault {@code i}.
     */
    record Tallies(ConsistencyTally[] product, ConsistencyTally[] listing) {
        static Tallies empty(Duration bound, int faults) {
            var product = new ConsistencyTally[faults + 1];
            var listing = new ConsistencyTally[faults + 1];
            for (int i = 0; i <= faults; i++) {
                product[i] = new ConsistencyTally(bound);
                listing[i] = new ConsistencyTally(bound);
            }
            return new Tallies(product, listing);
        }

        /** Reads sent, answered or not. */
        long reads() {
            long sum = 0;
            for (int i = 0; i < product.length; i++) {
                sum += product[i].reads + product[i].errors + listing[i].reads + listing[i].errors;
            }
            return sum;
        }

        void add(Tallies other) {
            for (int i = 0; i < product.length; i++) {
                product[i].add(other.product[i]);
                listing[i].add(other.listing[i]);
            }
        }
    }

    private final InetSocketAddress target;
    private final CommitTimes commits;
    private final Listings listings;
    private final Workload workload;
    private final double listingShare;
    private final Duration bound;
    private final FaultWindow[] faults;
    private final AtomicLong tickets = new AtomicLong();
    private final StaleTimeline staleBeyond;

    ConsistencyReaders(InetSocketAddress target, CommitTimes commits, Listings listings, Workload workload, double listingShare,
                       Duration bound, List<FaultWindow> faults) {
        this.target = target;
        this.commits = commits;
        this.listings = listings;
        this.workload = workload;
        this.listingShare = listingShare;
        this.bound = bound;
        this.faults = faults.toArray(FaultWindow[]::new);
        this.staleBeyond = new StaleTimeline(bound);
    }

    /** Reads sent so far, across the readers. */
    long sent() {
        return tickets.get();
    }

    /** Sends {@code reads} reads over {@code connections} connections and answers their tallies, merged. */
    Tallies run(long reads, int connections, long seed) {
        return run(reads, connections, seed, () -> false);
    }

    /** As {@link #run(long, int, long)}, and past {@code reads} while {@code more} holds (a fault's window still open). */
    Tallies run(long reads, int connections, long seed, java.util.function.BooleanSupplier more) {
        List<Tallies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        var seeds = new SplittableRandom(seed);
        for (int i = 0; i < connections; i++) {
            Tallies tallies = Tallies.empty(bound, faults.length);
            perThread.add(tallies);
            SplittableRandom random = seeds.split();
            int reader = i;
            threads.add(Thread.ofPlatform().daemon().name("consistency-reader-" + i).start(() -> read(reader, reads, more, random, tallies)));
        }
        Tallies all = Tallies.empty(bound, faults.length);
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

    private void read(int reader, long reads, java.util.function.BooleanSupplier more, SplittableRandom random, Tallies tallies) {
        LoadGenerator.Paths products = workload.endpoint("product").paths();
        LoadGenerator.Paths pages = workload.endpoint("listing").paths();
        var body = new Body();
        var page = new Listings.PageCheck(Workload.PAGE_SIZE);
        var item = new Item();
        HttpConnection connection = null;
        try {
            while (tickets.getAndIncrement() < reads || more.getAsBoolean()) {
                boolean listing = random.nextDouble() < listingShare;
                String path = (listing ? pages : products).next(random);
                long start = listings.started(reader);
                ConsistencyTally tally = (listing ? tallies.listing() : tallies.product())[phase(start)];
                try {
                    if (connection == null) {
                        connection = new HttpConnection(target);
                    }
                    if (connection.get(path, body) != 200) {
                        tally.error();
                        continue;
                    }
                    if (listing) {
                        checkPage(path, body, start, item, page, tally);
                    } else {
                        checkProduct(body, start, item, tally);
                    }
                } catch (IOException | RuntimeException e) {
                    tally.error();
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                } finally {
                    listings.finished(reader);
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** 0 when a read that began at {@code start} is steady, else 1 + the fault whose window it began in. */
    private int phase(long start) {
        for (int i = 0; i < faults.length; i++) {
            if (faults[i].contains(start)) {
                return i + 1;
            }
        }
        return 0;
    }

    private void checkProduct(Body body, long start, Item item, ConsistencyTally tally) throws IOException {
        try (JsonParser parser = body.parser()) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not a product: " + body);
            }
            item.read(parser);
            long staleness = commits.staleness(item.id, item.stock, start);
            tally.read(1, staleness == CommitTimes.FRESH ? 0 : 1, staleness);
            staleBeyond.note(start, staleness);
        }
    }

    /** A page: every item's counter, and whether it lists the products it must and no other ({@link Listings}). */
    private void checkPage(String path, Body body, long start, Item item, Listings.PageCheck page, ConsistencyTally tally)
            throws IOException {
        long stalest = CommitTimes.FRESH;
        int items = 0;
        int stale = 0;
        page.clear();
        try (JsonParser parser = body.parser()) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException("not a page: " + body);
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                items++;
                item.read(parser);
                long staleness = commits.staleness(item.id, item.stock, start);
                if (!page.add(item.id)) {
                    throw new IllegalStateException("more than " + Workload.PAGE_SIZE + " items on " + path);
                }
                if (staleness != CommitTimes.FRESH) {
                    stale++;
                    stalest = Math.max(stalest, staleness);
                }
            }
        }
        listings.check(param(path, "/categories/", '/'), param(path, "page=", '&'), start, page);
        tally.read(items, stale, page.missing, page.extra, Math.max(stalest, page.staleness));
        staleBeyond.note(start, Math.max(stalest, page.staleness));
    }

    /** When the reads stale beyond the bound began. */
    StaleTimeline staleBeyond() {
        return staleBeyond;
    }

    /** Where a path's number after {@code prefix} is, up to {@code end} or the path's end. */
    static int param(String path, String prefix, char end) {
        int from = path.indexOf(prefix);
        if (from < 0) {
            throw new IllegalArgumentException("no " + prefix + " in " + path);
        }
        from += prefix.length();
        int to = path.indexOf(end, from);
        return Integer.parseInt(path, from, to < 0 ? path.length() : to, 10);
    }

    /** One product of an answer, as its reader parsed it last: only its id and counter. */
    private static final class Item {
        long id;
        long stock;

        /** Reads one product object, the parser on its {@code START_OBJECT}, up to its {@code END_OBJECT}. */
        void read(JsonParser parser) throws IOException {
            id = -1;
            stock = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT && "id".equals(field)) {
                    id = parser.getLongValue();
                } else if (value == JsonToken.VALUE_NUMBER_INT && "stock".equals(field)) {
                    stock = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
            if (id < 0 || stock < 0) {
                throw new IllegalStateException("not a product: no id or stock");
            }
        }
    }

    /** An answer's body, parsed where it was read into: no copy per read. */
    private static final class Body extends ByteArrayOutputStream {
        /**
         * One factory for every read: {@link Json#mapper()} builds a new mapper per call, and a new factory per parser
         * would build its field-name table again per read.
         */
        private static final JsonFactory JSON = Json.mapper().getFactory();

        Body() {
            super(8192);
        }

        JsonParser parser() throws IOException {
            return JSON.createParser(buf, 0, count);
        }

        @Override
        public synchronized String toString() {
            return new String(buf, 0, Math.min(count, 200), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
