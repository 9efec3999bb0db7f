package io.cachepipe.cdc;

import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how far the replication slot is behind: in bytes, the WAL it retains behind the server's
 * current position (a slot nobody reads makes PostgreSQL keep WAL until the disk fills, so this is
 * the first thing to alarm on); in seconds, the flush lag PostgreSQL measures for the slot's
 * walsender (time from a WAL position being written to the consumer confirming it), 0 when caught
 * up and idle, -1 when no consumer is attached.
 */
final class SlotMonitor {
    private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);
    private final DataSource dataSource;
    private final String slot;
    private final AtomicLong lagBytes = new AtomicLong(-1);
    private final AtomicLong lagMillis = new AtomicLong(-1);

    SlotMonitor(DataSource dataSource, String slot, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.slot = slot;
        Gauge.builder(MetricNames.CDC_SLOT_LAG_BYTES, lagBytes, AtomicLong::get).baseUnit("bytes")
                .tag("slot", slot).register(metrics);
        Gauge.builder(MetricNames.CDC_SLOT_LAG_SECONDS, lagMillis, millis -> millis.get() < 0 ? -1 : millis.get() / 1000.0)
                .baseUnit("seconds").tag("slot", slot).register(metrics);
    }

    /** Reads the lag now; returns the bytes, -1 while the slot does not exist yet. */
    long measure() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint,"
                             + " s.active, (EXTRACT(EPOCH FROM r.flush_lag) * 1000)::bigint"
                             + " FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid"
                             + " WHERE s.slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                if (rows.next()) {
                    lagBytes.set(rows.getLong(1));
                    boolean consumed = rows.getBoolean(2);
                    long flushLag = rows.getLong(3);
                    boolean idle = rows.wasNull();
                    lagMillis.set(!consumed ? -1 : idle ? 0 : flushLag);
                } else {
                    lagBytes.set(-1);
                    lagMillis.set(-1);
                }
            }
        } catch (SQLException e) {
            log.warn("Cannot read the lag of replication slot {}: {}", slot, e.getMessage());
        }
        return lagBytes.get();
    }

    /** The last measured flush lag in milliseconds; -1 without a consumer. */
    long lagMillis() {
        return lagMillis.get();
    }
}
