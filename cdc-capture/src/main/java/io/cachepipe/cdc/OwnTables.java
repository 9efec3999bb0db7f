package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.postgres.SignalTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The tables cdc-capture captures for itself, not for views: the heartbeat table ({@link Heartbeats})
 * and Debezium's signal table ({@link SignalTable}). Both are created at start unless they exist, both
 * are in the publication (their rows must come through the slot to do their job), and the changes
 * of neither are published: no consumer may take one for a change of cached data.
 */
final class OwnTables {
    private final CdcConfig cdc;
    private final Set<TableName> captured;

    OwnTables(CdcConfig cdc, Set<TableName> captured) {
        this.cdc = cdc;
        this.captured = Set.copyOf(captured);
    }

    /** Refuses a table views read, then creates each own table that is missing; every problem says what to do. */
    void create(DataSource dataSource, String user) {
        TableName heartbeat = cdc.heartbeatTable();
        if (heartbeat != null) {
            refuseViewTable("cdc.heartbeat-table", heartbeat, Heartbeats.DEFAULT_TABLE, "heartbeats");
            try (Connection connection = dataSource.getConnection()) {
                Heartbeats.ensureTable(connection, heartbeat);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the heartbeat table " + heartbeat + " (cdc.heartbeat-table): " + e.getMessage()
                        + ". Create it as (slot text PRIMARY KEY, beat timestamptz NOT NULL) and let " + user
                        + " write it, or set cdc.heartbeat-table empty to do without heartbeat writes", e);
            }
        }
        TableName signal = cdc.signalTable();
        if (signal != null) {
            refuseViewTable("cdc.signal-table", signal, SignalTable.DEFAULT, "signals");
            try (Connection connection = dataSource.getConnection()) {
                SignalTable.ensure(connection, signal);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the signal table " + signal + " (cdc.signal-table): " + e.getMessage()
                        + ". Create it as (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048)) and let " + user
                        + " write it (Debezium writes its snapshot watermarks there), or set cdc.signal-table empty to do without "
                        + "cachepipe resnapshot", e);
            }
        }
    }

    private void refuseViewTable(String setting, TableName table, String defaultTable, String what) {
        if (captured.contains(table)) {
            throw new IllegalStateException(setting + " = " + table + " is a table views read; its changes would be dropped as "
                    + what + ". Name a table of its own (default " + defaultTable + ")");
        }
    }

    /** Where Debezium routes the own tables' changes: cdc-capture drops them instead of publishing. */
    Set<String> topics(Topics topics) {
        Set<String> names = new HashSet<>();
        if (cdc.heartbeatTable() != null) {
            names.add(topics.change(cdc.heartbeatTable()));
        }
        if (cdc.signalTable() != null) {
            names.add(topics.change(cdc.signalTable()));
        }
        return names;
    }
}
