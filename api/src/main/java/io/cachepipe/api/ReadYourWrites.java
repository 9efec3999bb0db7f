package io.cachepipe.api;

import io.cachepipe.core.cache.CacheStore;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.change.Watermarks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes: a write answers with a WAL position at or after its commit, and a read that
 * presents it is served from the cache only once the pipeline has applied that position.
 *
 * <p>The pipeline's applied position moves with watermarks ({@link Watermarks}). When it is behind
 * the position asked for, one watermark is written (shared by every reader waiting meanwhile) and
 * the applied position is polled until it passes, for at most the configured wait; past that the
 * caller reads PostgreSQL instead. Either way the answer is at least as new as the write.
 */
final class ReadYourWrites {
    private static final Logger log = LoggerFactory.getLogger(ReadYourWrites.class);
    private static final Duration POLL = Duration.ofMillis(2);

    private final CacheStore store;
    private final DataSource dataSource;
    private final Duration wait;
    private volatile Version applied = Version.ZERO;
    private Version emitted = Version.ZERO;

    ReadYourWrites(CacheStore store, DataSource dataSource, Duration wait) {
        this.store = store;
        this.dataSource = dataSource;
        this.wait = wait;
    }

    /** True once the cache reflects every change committed at or before {@code position}; false if not within the wait. */
    boolean caughtUpTo(Version position) {
        if (applied.compareTo(position) >= 0) {
            return true;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            requestWatermarkAfter(position);
            while (true) {
                Optional<Version> now = store.appliedPosition().toCompletableFuture()
                        .get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (now.isPresent()) {
                    Version seen = now.get();
                    applied = seen.max(applied);
                    if (seen.compareTo(position) >= 0) {
                        return true;
                    }
                }
                if (System.nanoTime() + POLL.toNanos() > deadline) {
                    return false;
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (SQLException | TimeoutException | java.util.concurrent.ExecutionException e) {
            log.debug("Read-your-writes check failed, reading PostgreSQL: {}", e.toString());
            return false;
        }
    }

    /** One watermark at or past {@code position}, written once however many readers wait for it. */
    private synchronized void requestWatermarkAfter(Version position) throws SQLException {
        if (emitted.compareTo(position) >= 0) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            emitted = Watermarks.emit(connection);
        }
    }
}
