package io.cachepipe.bench;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What PostgreSQL held, as the writers of {@code bench consistency} saw it, independent of the
 * pipeline's own bookkeeping. Each product's {@code stock} is a counter that only its writer raises,
 * one value per commit; per row, this keeps the {@link System#nanoTime()} at which each value's commit
 * returned, on the same JVM clock the readers stamp their reads with, and the category the row was in
 * after it.
 *
 * <p>A read that started at {@code r} and was served value {@code c} is <b>fresh</b> when {@code c} is
 * at least the newest value whose commit returned before {@code r}. A commit still in flight at
 * {@code r} does not count: its value may or may not be visible yet, so serving either is fresh.
 * Otherwise the read is stale, by {@code r} minus the return time of {@code c + 1}, the first value
 * it missed. The same rule says which categories a row may be in for that read ({@link Row#membership}).
 */
final class CommitTimes {
    /** The staleness of a fresh read. */
    static final long FRESH = -1;
    /** No category: the row's {@code category_id} is null, or no commit is in flight. */
    static final int NONE = 0;

    /** Whether a row is in a category for a read: in every state the read may see, in some, or in none. */
    enum Membership { MUST, MAY, NOT }

    private final Row[] rows;
    private final long startNanos;

    /**
     * @param initial    {@code initial[id - 1]}: the counter of product {@code id} before any write of the run
     * @param categories {@code categories[id - 1]}: its category then ({@link #NONE} for none)
     * @param startNanos when the run started: a value older than {@code initial} is charged from then
     */
    CommitTimes(long[] initial, int[] categories, long startNanos) {
        if (categories.length != initial.length) {
            throw new IllegalArgumentException(categories.length + " categories for " + initial.length + " products");
        }
        this.rows = new Row[initial.length];
        for (int i = 0; i < initial.length; i++) {
            rows[i] = new Row(initial[i], categories[i]);
        }
        this.startNanos = startNanos;
    }

    /** Without categories: every product in none. */
    CommitTimes(long[] initial, long startNanos) {
        this(initial, new int[initial.length], startNanos);
    }

    int products() {
        return rows.length;
    }

    long startNanos() {
        return startNanos;
    }

    /** Product {@code id}'s history, for its writers. */
    Row row(long id) {
        if (id < 1 || id > rows.length) {
            throw new IllegalArgumentException("product " + id + " was not seeded (1.." + rows.length + ")");
        }
        return rows[(int) (id - 1)];
    }

    /** @return {@link #FRESH}, or how stale (ns) value {@code served} of product {@code id} was for a read that started at {@code readStart} */
    long staleness(long id, long served, long readStart) {
        return row(id).staleness(served, readStart, startNanos);
    }

    /** One product: its counter before the run, when each later value's commit returned, and its category after each. */
    static final class Row {
        /** Held by the writer for the whole commit, so that a row's values commit one after the other. */
        final ReentrantLock writing = new ReentrantLock();
        private final long base;
        private final int baseCategory;
        private long[] returned = new long[4];
        private int[] categories = new int[4];
        private int size;
        /** The category the commit in flight sets, from {@link #begin} until it returned or failed; {@link #NONE} without one. */
        private int pending = NONE;

        Row(long base, int baseCategory) {
            this.base = base;
            this.baseCategory = baseCategory;
        }

        /** The value the next write sets; call holding {@link #writing}. */
        synchronized long next() {
            return base + size + 1;
        }

        /** The category after the newest commit that returned. */
        synchronized int category() {
            return size == 0 ? baseCategory : categories[size - 1];
        }

        /**
         * The commit that sets {@code value} and puts the row in {@code category} is about to be sent: from now
         * until it returned or failed, a read may see either category. Call holding {@link #writing}.
         */
        synchronized void begin(long value, int category) {
            if (value != base + size + 1) {
                throw new IllegalStateException("value " + value + " begun out of turn, expected " + (base + size + 1));
            }
            pending = category;
        }

        /** The commit begun failed and rolled back. */
        synchronized void abandoned() {
            pending = NONE;
        }

        /** The commit that set {@code value} (from {@link #next()}) returned at {@code nanos}; without {@link #begin}, in the same category. */
        synchronized void returned(long value, long nanos) {
            if (value != base + size + 1) {
                throw new IllegalStateException("value " + value + " committed out of turn, expected " + (base + size + 1));
            }
            if (size == returned.length) {
                returned = Arrays.copyOf(returned, size * 2);
                categories = Arrays.copyOf(categories, size * 2);
            }
            categories[size] = pending == NONE ? category() : pending;
            returned[size++] = nanos;
            pending = NONE;
        }

        synchronized long staleness(long served, long readStart, long startNanos) {
            int known = knownBefore(readStart);
            if (served >= base + known) {
                return FRESH;
            }
            if (served < base) {
                return readStart - startNanos; // older than the database before the run: stale since the run started at least
            }
            return readStart - returned[(int) (served - base)]; // returned[i] is when value base + i + 1 returned
        }

        /**
         * Whether a read that started at {@code readStart} must, may or must not see this row in {@code category}: the
         * states it may see are the newest whose commit returned before it, and every later one (returned since, or in
         * flight).
         */
        synchronized Membership membership(int category, long readStart) {
            boolean any = false;
            boolean all = true;
            for (int i = knownBefore(readStart) - 1; i < size; i++) {
                boolean in = (i < 0 ? baseCategory : categories[i]) == category;
                any |= in;
                all &= in;
            }
            if (pending != NONE) {
                any |= pending == category;
                all &= pending == category;
            }
            return all ? Membership.MUST : any ? Membership.MAY : Membership.NOT;
        }

        /**
         * Values whose commit returned before {@code readStart}. Most reads are of recent values, so the newest is looked at
         * first; else a binary search, since a row's commits return one after the other (a read answered late, or a hot row,
         * must not cost a scan of its history).
         */
        private int knownBefore(long readStart) {
            if (size == 0 || returned[size - 1] < readStart) {
                return size;
            }
            int low = 0;
            int high = size - 1; // returned[high] >= readStart
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (returned[mid] < readStart) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }
}
