package io.cachepipe.bench;

import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * When reads of a {@code bench consistency} run went stale beyond the bound, counted by the minute of the
 * run they began in, steady and fault windows alike: says whether they came together (a fault, a stall,
 * another process taking the cores) or spread over the run. Readers add from many threads.
 */
final class StaleTimeline {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final long boundNanos;
    private final long created = System.nanoTime();
    private final ConcurrentSkipListMap<Long, LongAdder> byMinute = new ConcurrentSkipListMap<>();

    StaleTimeline(java.time.Duration bound) {
        this.boundNanos = bound.toNanos();
    }

    /** One read, begun at {@code start} ({@link System#nanoTime()}), counted if {@code staleness} is beyond the bound. */
    void note(long start, long staleness) {
        if (staleness == CommitTimes.FRESH || staleness <= boundNanos) {
            return;
        }
        byMinute.computeIfAbsent((start - created) / MINUTE_NANOS, minute -> new LongAdder()).increment();
    }

    /** {@code minute: reads} from this timeline's creation, e.g. {@code 7: 3, 20: 5825}; empty if no read was added. */
    String byMinute() {
        var text = new StringBuilder();
        byMinute.forEach((minute, reads) -> text.append(text.isEmpty() ? "" : ", ").append(minute).append(": ").append(reads.sum()));
        return text.toString();
    }
}
