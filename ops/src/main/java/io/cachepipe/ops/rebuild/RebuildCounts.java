package io.cachepipe.ops.rebuild;

import java.util.concurrent.atomic.AtomicLong;

/** What a rebuild's writes came to, counted as Redis answers them (from several threads); see {@link RebuildReport}. */
final class RebuildCounts {
    private final AtomicLong rowWrites = new AtomicLong();
    private final AtomicLong loadedWrites = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong imageFallbacks = new AtomicLong();

    /** A value rendered from a row image was written, or refused as older than what Redis holds. */
    void rowWrite(boolean applied) {
        (applied ? rowWrites : refused).incrementAndGet();
    }

    /** A value loaded from the database was written, or refused as older than what Redis holds. */
    void loadedWrite(boolean applied) {
        (applied ? loadedWrites : refused).incrementAndGet();
    }

    /** A deleted row's key was invalidated. */
    void delete() {
        deletes.incrementAndGet();
    }

    /** A row image could not be rendered exactly: its key is loaded from the database instead. */
    void imageFallback() {
        imageFallbacks.incrementAndGet();
    }

    long rowWrites() {
        return rowWrites.get();
    }

    long loadedWrites() {
        return loadedWrites.get();
    }

    long refused() {
        return refused.get();
    }

    long deletes() {
        return deletes.get();
    }

    long imageFallbacks() {
        return imageFallbacks.get();
    }
}
