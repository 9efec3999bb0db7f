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
import javax.sql.DataSource;

/**
 * The writers of {@code bench consistency}: single-row commits straight to PostgreSQL at a fixed
 * rate, rows drawn with the readers' skew. Each sets the product's {@code stock} to its next counter
 * value ({@link CommitTimes.Row#next()}), and a share of them also moves the product to another
 * category in the same statement, so that a listing page still showing it in the old category serves
 * an old counter. Before the statement is sent, the row notes the category it sets (a read from then on
 * may see it there, {@link Listings#entering}); when the commit returns, the time goes to {@link CommitTimes},
 * and a move to {@link Listings}. A row's writes are serialized by its lock, so its values commit in order.
 */
final class ConsistencyWriter implements AutoCloseable {
    private final DataSource database;
    private final CommitTimes commits;
    private final Listings listings;
    private final Zipf rows;
    private final int categories;
    private final double moveShare;
    private final double perSecond;
    private final long start = System.nanoTime();
    private final AtomicLong issued = new AtomicLong();
    private final LongAdder written = new LongAdder();
    private final LongAdder moved = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    ConsistencyWriter(DataSource database, CommitTimes commits, Listings listings, Workload workload, double perSecond, double moveShare,
                      int threads) {
        this.database = database;
        this.commits = commits;
        this.listings = listings;
        this.rows = new Zipf(workload.products(), workload.exponent(), 1);
        this.categories = workload.categories();
        this.moveShare = moveShare;
        this.perSecond = perSecond;
        for (int i = 0; i < threads; i++) {
            long seed = 2000 + i;
            this.threads.add(Thread.ofPlatform().daemon().name("consistency-writer-" + i).start(() -> run(new SplittableRandom(seed))));
        }
    }

    long written() {
        return written.sum();
    }

    long moved() {
        return moved.sum();
    }

    long failed() {
        return failed.sum();
    }

    private long due() {
        return (long) ((System.nanoTime() - start) / 1e9 * perSecond);
    }

    private void run(SplittableRandom random) {
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE products SET stock = ?, updated_at = now() WHERE id = ?");
             PreparedStatement move = connection.prepareStatement(
                     "UPDATE products SET stock = ?, category_id = ?, updated_at = now() WHERE id = ?")) {
            connection.setAutoCommit(true);
            var backoff = new IdleBackoff();
            while (running.get()) {
                long next = issued.get();
                if (next >= due() || !issued.compareAndSet(next, next + 1)) {
                    backoff.idle();
                    continue;
                }
                backoff.reset();
                long id = rows.next(random) + 1L;
                boolean moving = random.nextDouble() < moveShare;
                int category = random.nextInt(categories) + 1;
                write(id, moving ? move : update, moving, category);
            }
        } catch (SQLException e) {
            failed.increment();
            throw new IllegalStateException("writer lost its connection: " + e.getMessage(), e);
        }
    }

    private void write(long id, PreparedStatement statement, boolean moving, int category) {
        CommitTimes.Row row = commits.row(id);
        row.writing.lock();
        boolean returned = false;
        try {
            long value = row.next();
            int from = row.category();
            int to = moving ? category : from;
            row.begin(value, to);
            if (to != from) {
                listings.entering(to, id);
            }
            int column = 1;
            statement.setLong(column++, value);
            if (moving) {
                statement.setLong(column++, category);
            }
            statement.setLong(column, id);
            if (statement.executeUpdate() != 1) {
                throw new IllegalStateException("product " + id + " is gone");
            }
            long nanos = System.nanoTime();
            row.returned(value, nanos);
            returned = true;
            if (to != from) {
                listings.moved(id, from, to, nanos);
            }
            written.increment();
            if (moving) {
                moved.increment();
            }
        } catch (SQLException e) {
            // Autocommit: a statement that failed rolled back, so the value is written again next time.
            failed.increment();
        } finally {
            if (!returned) {
                row.abandoned();
            }
            row.writing.unlock();
        }
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
