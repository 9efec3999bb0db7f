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
 * Measures how much WAL the replication slot retains behind the server's current position. A slot
 * nobody reads makes PostgreSQL keep WAL until the disk fills, so this is the first thing to alarm on.
 */
final class SlotMonitor {
    private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);
    private final DataSource dataSource;
    private final String slot;
    private final AtomicLong lagBytes = new AtomicLong(-1);

    SlotMonitor(DataSource dataSource, String slot, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.slot = slot;
        Gauge.builder(MetricNames.CDC_SLOT_LAG_BYTES, lagBytes, AtomicLong::get).baseUnit("bytes")
                .tag("slot", slot).register(metrics);
    }

    /** Reads the lag now; -1 while the slot does not exist yet. */
    long measure() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                             + " FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                lagBytes.set(rows.next() ? rows.getLong(1) : -1);
            }
        } catch (SQLException e) {
            log.warn("Cannot read the lag of replication slot {}: {}", slot, e.getMessage());
        }
        return lagBytes.get();
    }
}
