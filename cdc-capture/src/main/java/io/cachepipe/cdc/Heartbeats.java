package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The heartbeat write that keeps the replication slot moving while the captured tables are idle.
 *
 * <p>pgoutput sends a slot's consumer only the changes of tables in its publication. When those are
 * idle and other tables of the same database take writes, Debezium receives nothing it can
 * acknowledge, the slot's {@code confirmed_flush_lsn} stays behind, and PostgreSQL keeps every WAL
 * segment written since (Debezium's documented remedy: {@code heartbeat.action.query} writing to a
 * table that is in the publication). On each heartbeat Debezium upserts this slot's row; the change
 * comes back through the slot, and once processed its position is confirmed.
 *
 * <p>The table has one row per slot, so deployments sharing a database do not contend. Its changes
 * are never published to Kafka ({@link ChangePublisher} marks them processed and drops them), so
 * no consumer can mistake one for a change of cached data.
 */
final class Heartbeats {
    static final String DEFAULT_TABLE = "public.cachepipe_heartbeat";

    private Heartbeats() {
    }

    /** Creates the table unless it exists, like Debezium creates the publication on first start. */
    static void ensureTable(Connection connection, TableName table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (slot text PRIMARY KEY, beat timestamptz NOT NULL)");
        }
    }

    /** Debezium's {@code heartbeat.action.query}: upserts the slot's row. Names are validated by {@link CdcConfig}. */
    static String actionQuery(TableName table, String slot) {
        return "INSERT INTO " + table + " (slot, beat) VALUES ('" + slot + "', now())"
                + " ON CONFLICT (slot) DO UPDATE SET beat = EXCLUDED.beat";
    }
}
