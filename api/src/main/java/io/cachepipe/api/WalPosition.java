package io.cachepipe.api;

import io.cachepipe.core.change.Version;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The database's current WAL position ({@code pg_current_wal_lsn()}, a read: it writes nothing),
 * for telling a real {@code X-Commit-LSN} from one made up in the future. A write's token is taken
 * before its answer is sent, so a reading that began after the read carrying it arrived is at or
 * past it; a token past such a reading was never issued by this database.
 *
 * <p>Readings are shared and rate-limited: callers needing a newer reading than the last wait for
 * the next one, which starts no sooner than {@link #MIN_INTERVAL} after the previous. However many
 * tokens from the future arrive, the database sees at most one such query per interval per API
 * instance. A lock, not {@code synchronized}, so virtual threads waiting on it do not pin carriers.
 */
final class WalPosition {
    static final Duration MIN_INTERVAL = Duration.ofMillis(20);

    /** Reads the position; a seam for tests. */
    @FunctionalInterface
    interface Source {
        Version read() throws SQLException;
    }

    /** Sleeps; a seam for tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final Source source;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final ReentrantLock lock = new ReentrantLock();
    private Version last = Version.ZERO;
    private long lastStarted = Long.MIN_VALUE;
    private boolean readOnce;

    WalPosition(Source source, LongSupplier nanoTime, Sleeper sleeper) {
        this.source = source;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    static WalPosition of(DataSource dataSource) {
        return new WalPosition(() -> current(dataSource), System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** True if {@code token} is at or before the database's current position, as read after {@code arrivedNanos}. */
    boolean issued(Version token, long arrivedNanos) throws SQLException, InterruptedException {
        lock.lock();
        try {
            if (last.compareTo(token) >= 0) {
                return true;
            }
            if (!readOnce || lastStarted - arrivedNanos < 0) {
                long wait = readOnce ? lastStarted + MIN_INTERVAL.toNanos() - nanoTime.getAsLong() : 0;
                if (wait > 0) {
                    sleeper.sleep(wait);
                }
                lastStarted = nanoTime.getAsLong();
                readOnce = true;
                last = source.read().max(last);
            }
            return last.compareTo(token) >= 0;
        } finally {
            lock.unlock();
        }
    }

    private static Version current(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet position = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            position.next();
            return Version.ofPgLsn(position.getString(1));
        }
    }
}
