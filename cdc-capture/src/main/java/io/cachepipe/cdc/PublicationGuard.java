package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every captured table in the publication while cdc-capture runs. A publication holds tables,
 * not names: a table swapped in under a captured table's name ({@code ALTER TABLE ... RENAME}, as
 * migrations and {@code pg_repack}-style rewrites do), or dropped and created again, is not in it, and
 * none of its changes reach the slot (seen on the demo: an update after a swap, and the cache served the
 * old price until its TTL). Debezium aligns the publication with the captured tables only when its engine
 * starts. So on every schema change notice, and every 10 s, this adds a captured table that exists but
 * is missing, and writes, in the same transaction, a schema change message for it: the invalidator drops
 * the values of the views reading the table, which may hold what its uncaptured changes changed. Adding
 * a table takes its owner; without that, it logs the statement to run. Runs on one thread; never throws.
 */
final class PublicationGuard {
    private static final Logger log = LoggerFactory.getLogger(PublicationGuard.class);

    private final DataSource dataSource;
    private final String publication;
    private final Set<TableName> captured;
    private final Counter added;
    private final Set<TableName> reported = new HashSet<>();

    PublicationGuard(DataSource dataSource, String publication, Set<TableName> captured, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.publication = publication;
        this.captured = Set.copyOf(captured);
        this.added = Counter.builder(MetricNames.CDC_PUBLICATION_REPAIRS).register(metrics);
    }

    /** One look at the publication; answers the tables added. */
    synchronized Set<TableName> check() {
        Set<TableName> repaired = new HashSet<>();
        try (Connection connection = dataSource.getConnection()) {
            Set<TableName> published = published(connection);
            if (published == null) {
                return repaired; // not created yet: Debezium creates it with every captured table when its engine starts
            }
            for (TableName table : captured) {
                if (!published.contains(table) && exists(connection, table) && add(connection, table)) {
                    repaired.add(table);
                }
            }
        } catch (SQLException e) {
            log.debug("Could not check publication {}: {}", publication, e.getMessage());
        }
        return repaired;
    }

    private boolean add(Connection connection, TableName table) {
        String statement = "ALTER PUBLICATION " + quote(publication) + " ADD TABLE " + quote(table.schema()) + "." + quote(table.table());
        try {
            connection.setAutoCommit(false);
            try (Statement alter = connection.createStatement();
                 PreparedStatement message = connection.prepareStatement(
                         "SELECT pg_logical_emit_message(true, ?, json_build_object('schema', ?::text, 'table', ?::text)::text)")) {
                alter.execute(statement);
                message.setString(1, SchemaChangeNotice.MESSAGE_PREFIX);
                message.setString(2, table.schema());
                message.setString(3, table.table());
                message.execute();
                connection.commit();
            }
            added.increment();
            reported.remove(table);
            log.warn("Table {} was not in publication {} (a table swapped in under its name, or dropped and created again), so its "
                    + "changes were not captured: added it; the views reading it drop their cached values", table, publication);
            return true;
        } catch (SQLException e) {
            rollback(connection);
            if (reported.add(table)) {
                log.error("Table {} is not in publication {}, so its changes are not captured, and it cannot be added ({}). "
                        + "Run as the table's owner: {}; then cachepipe flush --view for each view that reads it", table, publication,
                        e.getMessage(), statement);
            }
            return false;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the pool discards a broken connection
            }
        }
    }

    /** The publication's tables; null when it does not exist. */
    private @Nullable Set<TableName> published(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            exists.setString(1, publication);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
            }
        }
        Set<TableName> tables = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableName(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return tables;
    }

    private static boolean exists(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(format('%I.%I', ?::text, ?::text)) IS NOT NULL")) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
