package io.cachepipe.cdc;

import io.cachepipe.core.change.Version;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code pg_replication_slots}, and the two things cdc-capture does to a slot itself:
 * create it and drop it (Debezium otherwise does both).
 *
 * @param walStatus      PostgreSQL's {@code wal_status}: {@code reserved}, {@code extended}, {@code unreserved}, or
 *                       {@code lost} once the slot was invalidated ({@code max_slot_wal_keep_size} exceeded)
 * @param confirmedFlush the position up to which the slot's consumer confirmed; null for an invalidated slot
 */
record ReplicationSlot(String name, String walStatus, @Nullable Version confirmedFlush, boolean active) {
    static final String LOST = "lost";

    boolean invalidated() {
        return LOST.equals(walStatus) || confirmedFlush == null;
    }

    static Optional<ReplicationSlot> read(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT coalesce(wal_status, ''), confirmed_flush_lsn::text, active"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                String confirmed = rows.getString(2);
                return Optional.of(new ReplicationSlot(name, rows.getString(1), confirmed == null ? null : Version.ofPgLsn(confirmed),
                        rows.getBoolean(3)));
            }
        }
    }

    /** Creates the slot for pgoutput, as Debezium would; answers it as created (its first position). */
    static ReplicationSlot create(Connection connection, String name) throws SQLException {
        try (PreparedStatement create = connection.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            create.setString(1, name);
            create.execute();
        }
        return read(connection, name).orElseThrow(() -> new SQLException("replication slot " + name + " vanished right after its creation"));
    }

    static void drop(Connection connection, String name) throws SQLException {
        try (PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            drop.setString(1, name);
            drop.execute();
        }
    }
}
