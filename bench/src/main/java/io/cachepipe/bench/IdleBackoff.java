package io.cachepipe.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * How a paced writer waits while it is ahead of its pace: 0.2 ms, then twice as long each time it is
 * still ahead, up to 2 ms. Eight writers polling every 0.2 ms took 0.22 cores at 100 writes/s, CPU the
 * pipeline under test and PostgreSQL were then short of. A write is issued at most 2 ms after it is
 * due, and its latency counts from its commit. One per writer thread.
 */
final class IdleBackoff {
    private static final long MIN_NANOS = 200_000;
    private static final long MAX_NANOS = 2_000_000;

    private long nanos = MIN_NANOS;

    /** Waits, longer than last time. */
    void idle() {
        LockSupport.parkNanos(nanos);
        nanos = Math.min(MAX_NANOS, nanos * 2);
    }

    /** A write was due: the next wait is short again. */
    void reset() {
        nanos = MIN_NANOS;
    }
}
