package io.cachepipe.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Writes straight to PostgreSQL over JDBC, behind the API's back, as any other writer would: price
 * and stock updates of products (70%), moves to another category (20%, so two listings and two
 * aggregates change), and new reviews (10%). Rows are picked with the readers' skew, so hot rows
 * change as often as they are read. Each write is its own transaction.
 *
 * <p>The pace is either a share of the reads ({@link #following}: the default 1% writes) or a fixed
 * rate of row changes ({@link #atRate}: the change-rate sweep). The sweep also writes as a batch job
 * does ({@link Shape#HUNDRED_ROWS}): 100-row transactions, each a category's products updated at once
 * or 100 reviews inserted at once.
 */
final class ChangeWriter implements AutoCloseable {
    /** What one transaction writes. */
    enum Shape {
        /** One row per transaction: price and stock updates, category moves, new reviews. */
        SINGLE_ROW("single-row commits", 1),
        /** 100 rows per transaction: {@code UPDATE products ... WHERE category_id = ?} (9 in 10), or 100 reviews inserted. */
        HUNDRED_ROWS("100-row transactions", 100);

        final String description;
        final int rowsPerTransaction;

        Shape(String description, int rowsPerTransaction) {
            this.description = description;
            this.rowsPerTransaction = rowsPerTransaction;
        }
    }

    private final DataSource database;
    private final Zipf rows;
    private final int categories;
    private final LongSupplier due;
    private final Shape shape;
    private final AtomicLong issued = new AtomicLong();
    private final LongAdder written = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private ChangeWriter(DataSource database, Workload workload, int threads, Shape shape, LongSupplier due) {
        this.database = database;
        this.shape = shape;
        this.rows = new Zipf(workload.products(), workload.exponent(), 1);
        this.categories = workload.categories();
        this.due = due;
        for (int i = 0; i < threads; i++) {
            long seed = 1000 + i;
            this.threads.add(Thread.ofPlatform().daemon().name("writer-" + i).start(() -> run(new SplittableRandom(seed))));
        }
    }

    /** Keeps writes at {@code share} of all requests (reads plus writes) from now on, counting reads in {@code reads}. */
    static ChangeWriter following(DataSource database, Workload workload, LongAdder reads, double share) {
        double perRead = share / (1 - share);
        long readsBefore = reads.sum();
        return new ChangeWriter(database, workload, 2, Shape.SINGLE_ROW, () -> (long) ((reads.sum() - readsBefore) * perRead));
    }

    /** Single-row writes at a fixed rate (per second) from now on, over {@code threads} connections. */
    static ChangeWriter atRate(DataSource database, Workload workload, double perSecond, int threads) {
        return atRate(database, workload, perSecond, threads, Shape.SINGLE_ROW);
    }

    /** Row changes at a fixed rate (per second) from now on, in transactions of this shape, over {@code threads} connections. */
    static ChangeWriter atRate(DataSource database, Workload workload, double perSecond, int threads, Shape shape) {
        long start = System.nanoTime();
        double transactionsPerSecond = perSecond / shape.rowsPerTransaction;
        return new ChangeWriter(database, workload, threads, shape, () -> (long) ((System.nanoTime() - start) / 1e9 * transactionsPerSecond));
    }

    long written() {
        return written.sum();
    }

    long failed() {
        return failed.sum();
    }

    private void run(SplittableRandom random) {
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE products SET price = ?, stock = ?, updated_at = now() WHERE id = ?");
             PreparedStatement move = connection.prepareStatement(
                     "UPDATE products SET category_id = ?, updated_at = now() WHERE id = ?");
             PreparedStatement review = connection.prepareStatement(
                     "INSERT INTO reviews (product_id, rating, body) VALUES (?, ?, 'bench')");
             PreparedStatement restock = connection.prepareStatement(
                     "UPDATE products SET stock = stock + 1, updated_at = now() WHERE category_id = ?");
             PreparedStatement reviews = connection.prepareStatement(
                     "INSERT INTO reviews (product_id, rating, body) SELECT ?, 1 + i % 5, 'bench' FROM generate_series(1, 100) i")) {
            connection.setAutoCommit(true);
            var backoff = new IdleBackoff();
            while (running.get()) {
                if (issued.get() >= due.getAsLong() || !claim()) {
                    backoff.idle();
                    continue;
                }
                backoff.reset();
                long id = rows.next(random) + 1L;
                double kind = random.nextDouble();
                try {
                    if (shape == Shape.HUNDRED_ROWS) {
                        PreparedStatement bulk = kind < 0.9 ? restock : reviews;
                        bulk.setLong(1, kind < 0.9 ? random.nextInt(categories) + 1L : id);
                        written.add(bulk.executeUpdate());
                        continue;
                    }
                    if (kind < 0.7) {
                        update.setBigDecimal(1, java.math.BigDecimal.valueOf(random.nextInt(100, 100_000), 2));
                        update.setInt(2, random.nextInt(0, 500));
                        update.setLong(3, id);
                        update.executeUpdate();
                    } else if (kind < 0.9) {
                        move.setLong(1, random.nextInt(categories) + 1L);
                        move.setLong(2, id);
                        move.executeUpdate();
                    } else {
                        review.setLong(1, id);
                        review.setInt(2, random.nextInt(1, 6));
                        review.executeUpdate();
                    }
                    written.increment();
                } catch (SQLException e) {
                    failed.increment();
                }
            }
        } catch (SQLException e) {
            failed.increment();
            throw new IllegalStateException("writer lost its connection: " + e.getMessage(), e);
        }
    }

    /** Takes the next write if one is due; several threads share the pace. */
    private boolean claim() {
        long next = issued.get();
        return next < due.getAsLong() && issued.compareAndSet(next, next + 1);
    }

    /** Stops issuing writes and waits for the ones in flight. */
    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
