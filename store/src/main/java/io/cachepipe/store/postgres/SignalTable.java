package io.cachepipe.store.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

/**
 * Debezium's signal table ({@code signal.data.collection}): the one place its shape and the signals
 * cachepipe sends are written down. cdc-capture creates it and captures it (with pgoutput a signal
 * is seen only if the table is in the publication); {@code cachepipe resnapshot} inserts into it.
 *
 * <p>Debezium reads an {@code execute-snapshot} row from the WAL and starts an incremental snapshot:
 * the tables are read again in chunks by primary key, between two watermark rows it writes into this
 * same table, and every row read comes out as a read event ({@code op "r"}) on the table's change
 * topic, interleaved with streaming without losing a change. Its notifications about the snapshot
 * carry the signal's {@code id}.
 */
public final class SignalTable {
    /** {@code cdc.signal-table}'s default. */
    public static final String DEFAULT = "public.cachepipe_signal";

    private SignalTable() {
    }

    /** Creates the table unless it exists, in the shape Debezium requires (id, type, data). Names are validated by the caller. */
    public static void ensure(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048) NULL)");
        }
    }

    /** Inserts one {@code execute-snapshot} signal for an incremental snapshot of {@code tables}; {@code id} names it. */
    public static void executeIncrementalSnapshot(Connection connection, TableName table, String id, Collection<TableName> tables)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (id, type, data) VALUES (?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, "execute-snapshot");
            insert.setString(3, snapshotData(tables));
            insert.executeUpdate();
        }
    }

    /** The signal's data: {@code {"data-collections": ["public.products"], "type": "incremental"}}. */
    static String snapshotData(Collection<TableName> tables) {
        ObjectNode data = Json.mapper().createObjectNode();
        var collections = data.putArray("data-collections");
        tables.forEach(name -> collections.add(name.toString()));
        data.put("type", "incremental");
        return data.toString();
    }
}
