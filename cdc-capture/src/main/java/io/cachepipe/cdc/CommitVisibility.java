package io.cachepipe.cdc;

import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a batch of changes back until every transaction in it is visible to a new snapshot.
 *
 * <p>PostgreSQL hands a commit to logical decoding as soon as its WAL is flushed, a moment before
 * the committing backend makes it visible to other sessions ({@code ProcArrayEndTransaction}).
 * The moment is usually microseconds, but it lasts as long as synchronous replication waits for a
 * standby, or as long as a busy machine keeps that backend off the CPU. An invalidation published
 * inside it lets the warmer, or a reader's fill, load the row as it was before the change and write
 * it under the change's own version, which the invalidation then no longer beats: stale until the
 * key's next change or its TTL ({@code CommitVisibilityIT} shows it with a held synchronous commit).
 * So cdc-capture publishes a batch only once every one of its transactions is visible in a fresh
 * snapshot ({@code pg_current_snapshot()}): one short query per batch.
 */
final class CommitVisibility {
    private static final Logger log = LoggerFactory.getLogger(CommitVisibility.class);
    private static final long ID_SPACE = 1L << 32;
    private static final long HALF_ID_SPACE = 1L << 31;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(100);
    private static final Duration WARN_AFTER = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final BooleanSupplier stopping;
    private final Counter heldBatches;
    private final Timer holds;

    CommitVisibility(DataSource dataSource, BooleanSupplier stopping, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.stopping = stopping;
        this.heldBatches = Counter.builder(MetricNames.CDC_VISIBILITY_HOLDS)
                .description("batches held back because a transaction in them was committed in the WAL but not yet visible")
                .register(metrics);
        this.holds = Timer.builder(MetricNames.CDC_VISIBILITY_HOLD_TIME)
                .description("how long held batches waited for their transactions to become visible").register(metrics);
    }

    /**
     * Returns once every transaction of {@code xids} is visible; waits (with growing pauses) while
     * any is not. A database error is retried the same way: publishing before knowing is not safe.
     */
    void awaitVisible(Collection<Long> xids) throws InterruptedException {
        if (xids.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Duration pause = FIRST_PAUSE;
        boolean held = false;
        boolean warned = false;
        List<Long> pending = List.copyOf(xids);
        while (true) {
            try {
                pending = notYetVisible(pending);
                if (pending.isEmpty()) {
                    break;
                }
            } catch (SQLException e) {
                log.warn("Cannot check that transactions {} are visible ({}); retrying before publishing them", pending, e.getMessage());
            }
            if (stopping.getAsBoolean()) {
                throw new InterruptedException("stopping while transactions " + pending + " were not yet visible");
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            if (!warned && waited.compareTo(WARN_AFTER) >= 0) {
                warned = true;
                log.warn("Transactions {} are committed in the WAL but still not visible after {} ms (waiting for a synchronous "
                        + "standby?); their changes are held back until they are", pending, waited.toMillis());
            }
            if (!held) {
                held = true;
                heldBatches.increment();
            }
            Thread.sleep(pause.toMillis());
            Duration doubled = pause.multipliedBy(2);
            pause = doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
        }
        if (held) {
            holds.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private List<Long> notYetVisible(List<Long> xids) throws SQLException {
        Snapshot snapshot;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_current_snapshot()::text")) {
            rows.next();
            snapshot = Snapshot.parse(rows.getString(1));
        }
        return xids.stream().filter(xid -> !snapshot.sees(xid)).toList();
    }

    /**
     * A snapshot as {@code pg_current_snapshot()} prints it, {@code xmin:xmax:xip,...}, in full
     * (epoch-qualified) transaction ids. A committed transaction is visible in it if it finished
     * before {@code xmin}, or lies below {@code xmax} and is not in progress ({@code xip}). A
     * transaction that is committing still counts as running: {@code xmax} is one past the newest
     * <em>completed</em> transaction, so one whose commit is flushed but not yet visible lies at or
     * above it, and in no list.
     */
    record Snapshot(long xmin, long xmax, Set<Long> inProgress) {
        static Snapshot parse(String text) {
            String[] parts = text.split(":", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a pg_snapshot: '" + text + "'");
            }
            Set<Long> xip = new HashSet<>();
            for (String xid : parts[2].split(",")) {
                if (!xid.isEmpty()) {
                    xip.add(Long.parseLong(xid));
                }
            }
            return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
        }

        /** True if the committed transaction with this 32-bit id (Debezium's {@code txId}) is visible. */
        boolean sees(long xid32) {
            long full = nearestFullId(xid32);
            return full < xmin || full < xmax && !inProgress.contains(full);
        }

        /** The full id of a recent 32-bit id: the one of its epoch-qualified forms nearest to {@code xmax}. */
        long nearestFullId(long xid32) {
            long candidate = (xmax & ~0xFFFF_FFFFL) | (xid32 & 0xFFFF_FFFFL);
            if (candidate - xmax > HALF_ID_SPACE) {
                candidate -= ID_SPACE;
            } else if (xmax - candidate > HALF_ID_SPACE) {
                candidate += ID_SPACE;
            }
            return candidate;
        }
    }

    private static final byte[] SOURCE = bytes("\"source\":{");
    /** A streamed change's: {@code null} (no default filled in, see DebeziumProperties) or {@code "false"}, Debezium's default. */
    private static final byte[][] NOT_SNAPSHOT = {bytes("\"snapshot\":null"), bytes("\"snapshot\":\"false\"")};
    private static final byte[] TX_ID = bytes("\"txId\":");

    /**
     * The transaction id of a streamed change in a Debezium record ({@code source.txId}), or null when
     * there is none to wait for: a non-transactional message, or a snapshot read. A snapshot's rows
     * come from Debezium's own snapshot transaction, which stays open until the snapshot ends, and
     * waiting for it would wait forever once the queue is full. Found in the record's bytes without
     * parsing it: the envelope's {@code source} block follows the row images, so its last occurrence is
     * the envelope's (a row value that looks like one is escaped inside a string), and within it the
     * fields Debezium writes are flat.
     */
    static @Nullable Long transactionId(byte @Nullable [] record) {
        if (record == null) {
            return null;
        }
        int source = lastIndexOf(record, SOURCE);
        if (source < 0 || !streamed(record, source)) {
            return null;
        }
        int field = indexOf(record, TX_ID, source);
        if (field < 0) {
            return null;
        }
        long xid = 0;
        int digits = 0;
        for (int i = field + TX_ID.length; i < record.length && record[i] >= '0' && record[i] <= '9' && digits < 19; i++, digits++) {
            xid = xid * 10 + (record[i] - '0');
        }
        return digits == 0 ? null : xid;
    }

    private static boolean streamed(byte[] record, int source) {
        for (byte[] marker : NOT_SNAPSHOT) {
            if (indexOf(record, marker, source) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i <= haystack.length - needle.length; i++) {
            if (matchesAt(haystack, needle, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (matchesAt(haystack, needle, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matchesAt(byte[] haystack, byte[] needle, int at) {
        for (int j = 0; j < needle.length; j++) {
            if (haystack[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
