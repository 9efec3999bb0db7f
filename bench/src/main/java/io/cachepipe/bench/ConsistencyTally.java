package io.cachepipe.bench;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The classified reads of one view in one phase of a {@code bench consistency} run: fresh, stale
 * within the freshness bound, stale beyond it, and how stale the stale ones were. One per reader
 * thread, merged at the end.
 */
final class ConsistencyTally {
    private static final long HIGHEST_MICROS = Duration.ofHours(1).toNanos() / 1000;

    private final long boundNanos;
    long reads;
    long errors;
    long items;
    long staleItems;
    long missingItems;
    long extraItems;
    long fresh;
    long staleWithin;
    long staleBeyond;
    final Histogram staleMicros = new Histogram(HIGHEST_MICROS, 3);

    ConsistencyTally(Duration bound) {
        this.boundNanos = bound.toNanos();
    }

    /** A read answered with an error status or not at all: not classified. */
    void error() {
        errors++;
    }

    /** One answered read of a single row, or of a page whose membership is not checked. */
    void read(int items, int staleItems, long staleness) {
        read(items, staleItems, 0, 0, staleness);
    }

    /**
     * One answered read.
     *
     * @param items        products checked in it (1 for a single row, the page's items for a listing)
     * @param staleItems   of those, how many served an old counter
     * @param missingItems products a listing page must have listed and did not
     * @param extraItems   products it listed and must not have
     * @param staleness    {@link CommitTimes#FRESH}, or the staleness of its stalest item or membership in ns
     */
    void read(int items, int staleItems, int missingItems, int extraItems, long staleness) {
        reads++;
        this.items += items;
        this.staleItems += staleItems;
        this.missingItems += missingItems;
        this.extraItems += extraItems;
        if (staleness == CommitTimes.FRESH) {
            fresh++;
            return;
        }
        if (staleness <= boundNanos) {
            staleWithin++;
        } else {
            staleBeyond++;
        }
        staleMicros.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, staleness / 1000)));
    }

    void add(ConsistencyTally other) {
        reads += other.reads;
        errors += other.errors;
        items += other.items;
        staleItems += other.staleItems;
        missingItems += other.missingItems;
        extraItems += other.extraItems;
        fresh += other.fresh;
        staleWithin += other.staleWithin;
        staleBeyond += other.staleBeyond;
        staleMicros.add(other.staleMicros);
    }
}
