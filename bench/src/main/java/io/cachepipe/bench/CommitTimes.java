package io.cachepipe.bench;

import java.util.concurrent.locks.ReentrantLock;

/**
 * What PostgreSQL held, as the writers of {@code bench consistency} saw it, independent of the
 * pipeline's own bookkeeping. Each product's {@code stock} is a counter that only its writer raises,
 * one value per commit; per row, this keeps the {@link System#nanoTime()} at which each value's commit
 * returned, on the same JVM clock the readers stamp their reads with.
 *
 * <p>A read that started at {@code r} and was served value {@code c} is <b>fresh</b> when {@code c} is
 * at least the newest value whose commit returned before {@code r}. A commit still in flight at
 * {@code r} does not count: its value may or may not be visible yet, so serving either is fresh.
 * Otherwise the read is stale, by {@code r} minus the return time of {@code c + 1}, the first value
 * it missed.
 */
final class CommitTimes {
    /** The staleness of a fresh read. */
    static final long FRESH = -1;

    private final Row[] rows;
    private final long startNanos;

    /**
     * @param initial    {@code initial[id - 1]}: the counter of product {@code id} before any write of the run
     * @param startNanos when the run started: a value older than {@code initial} is charged from then
     */
    CommitTimes(long[] initial, long startNanos) {
        this.rows = new Row[initial.length];
        for (int i = 0; i < initial.length; i++) {
            rows[i] = new Row(initial[i]);
        }
        this.startNanos = startNanos;
    }

    int products() {
        return rows.length;
    }

    /** Product {@code id}'s history, for its writers. */
    Row row(long id) {
        return rows[(int) (id - 1)];
    }

    /** @return {@link #FRESH}, or how stale (ns) value {@code served} of product {@code id} was for a read that started at {@code readStart} */
    long staleness(long id, long served, long readStart) {
        if (id < 1 || id > rows.length) {
            throw new IllegalArgumentException("product " + id + " was not seeded (1.." + rows.length + ")");
        }
        return rows[(int) (id - 1)].staleness(served, readStart, startNanos);
    }

    /** One product: its counter before the run and when each later value's commit returned. */
    static final class Row {
        /** Held by the writer for the whole commit, so that a row's values commit one after the other. */
        final ReentrantLock writing = new ReentrantLock();
        private final long base;
        private long[] returned = new long[4];
        private int size;

        Row(long base) {
            this.base = base;
        }

        /** The value the next write sets; call holding {@link #writing}. */
        synchronized long next() {
            return base + size + 1;
        }

        /** The commit that set {@code value} (from {@link #next()}) returned at {@code nanos}. */
        synchronized void returned(long value, long nanos) {
            if (value != base + size + 1) {
                throw new IllegalStateException("value " + value + " committed out of turn, expected " + (base + size + 1));
            }
            if (size == returned.length) {
                returned = java.util.Arrays.copyOf(returned, size * 2);
            }
            returned[size++] = nanos;
        }

        synchronized long staleness(long served, long readStart, long startNanos) {
            int known = size; // values whose commit returned before the read started; most reads are of recent values
            while (known > 0 && returned[known - 1] >= readStart) {
                known--;
            }
            if (served >= base + known) {
                return FRESH;
            }
            if (served < base) {
                return readStart - startNanos; // older than the database before the run: stale since the run started at least
            }
            return readStart - returned[(int) (served - base)]; // returned[i] is when value base + i + 1 returned
        }
    }
}
