package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.change.Version;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.store.redis.CacheStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>The token is not authenticated: anyone may send any position (docs/security.md). So a position
 * past the database's current one, which no write issued, is a 400 ({@link WalPosition}), and
 * watermarks, which are WAL writes and a record of the watermark topic each, are written at most
 * once per {@link #MIN_WATERMARK_INTERVAL}: readers needing a newer one than the last share the next.
 */
final class ReadYourWrites {
    private static final Logger log = LoggerFactory.getLogger(ReadYourWrites.class);
    private static final Duration POLL = Duration.ofMillis(2);
    static final Duration MIN_WATERMARK_INTERVAL = Duration.ofMillis(20);

    private final CacheStore store;
    private final DataSource dataSource;
    private final Duration wait;
    private final WalPosition walPosition;
    private final ReentrantLock emitting = new ReentrantLock();
    private volatile Version applied = Version.ZERO;
    private Version emitted = Version.ZERO;
    private long emittedAt;

    ReadYourWrites(CacheStore store, DataSource dataSource, Duration wait, WalPosition walPosition) {
        this.store = store;
        this.dataSource = dataSource;
        this.wait = wait;
        this.walPosition = walPosition;
    }

    /**
     * True once the cache reflects every change committed at or before {@code position}; false if not
     * within the wait. A position the database has not reached is refused (400) before anything is written.
     */
    boolean caughtUpTo(Version position) {
        long arrived = System.nanoTime();
        if (applied.compareTo(position) >= 0) {
            return true;
        }
        long deadline = arrived + wait.toNanos();
        try {
            if (!walPosition.issued(position, arrived)) {
                throw ApiException.badRequest(ReadYourWritesHeader.NAME + " " + position.pgLsn() + " is past the database's "
                        + "current WAL position: no write of this database issued it");
            }
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

    /** One watermark at or past {@code position}, written once however many readers wait for it, and not too often. */
    private void requestWatermarkAfter(Version position) throws SQLException, InterruptedException {
        emitting.lock();
        try {
            if (emitted.compareTo(position) >= 0) {
                return;
            }
            long sinceLast = System.nanoTime() - emittedAt;
            if (emitted != Version.ZERO && sinceLast < MIN_WATERMARK_INTERVAL.toNanos()) {
                TimeUnit.NANOSECONDS.sleep(MIN_WATERMARK_INTERVAL.toNanos() - sinceLast);
            }
            try (Connection connection = dataSource.getConnection()) {
                emitted = Watermarks.emit(connection);
                emittedAt = System.nanoTime();
            }
        } finally {
            emitting.unlock();
        }
    }
}
