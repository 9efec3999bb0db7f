package io.cachepipe.cdc;

import io.cachepipe.core.change.SqlIdentifier;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.cachepipe.store.postgres.Partitions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every captured table in the publication while cdc-capture runs, under its own name. A
 * publication holds tables, not names: a table swapped in under a captured table's name ({@code ALTER
 * TABLE ... RENAME}, as migrations and {@code pg_repack}-style rewrites do), or dropped and created
 * again, is not in it, and none of its changes reach the slot (seen on the demo: an update after a
 * swap, and the cache served the old price until its TTL). And a publication without {@code
 * publish_via_partition_root} publishes a change to a partitioned table's row under the partition's
 * name, which no view names: the cache served a row's old price until its TTL. Debezium aligns the
 * publication with the captured tables only when its engine starts, and sets that option only on a
 * publication it creates. So at start, on every schema change notice, and every 10 s, this sets the
 * option where a captured table is partitioned and adds a captured table that exists but is missing,
 * and writes, in the same transaction, a schema change message for each such table: the invalidator
 * drops the values of the views reading it, which may hold what its uncaptured changes changed. Both
 * take the publication's or the table's owner; without that, it logs the statement to run. Runs on
 * one thread; never throws.
 */
final class PublicationGuard {
    private static final Logger log = LoggerFactory.getLogger(PublicationGuard.class);

    private final DataSource dataSource;
    private final String publication;
    private final Set<TableName> captured;
    private final Counter repairs;
    private final Set<String> reported = new HashSet<>();

    PublicationGuard(DataSource dataSource, String publication, Set<TableName> captured, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.publication = publication;
        this.captured = Set.copyOf(captured);
        this.repairs = Counter.builder(MetricNames.CDC_PUBLICATION_REPAIRS).register(metrics);
    }

    /**
     * Refuses a captured partition of a captured partitioned table, naming every one: the publication
     * publishes the partition's changes under the partitioned table's name, so a view naming the
     * partition would hear of none of them.
     */
    static void refusePartitionsOfCaptured(Connection connection, Set<TableName> captured) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (TableName table : captured) {
            TableName root = Partitions.root(connection, table);
            if (root != null && !root.equals(table) && captured.contains(root)) {
                problems.add(table + " is a partition of " + root + ", which views read too: PostgreSQL publishes the changes of "
                        + table + " as changes of " + root + ", so name " + root + " in the sources of the views that read " + table);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("views' sources name partitions of partitioned tables they also name:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /** One look at the publication; answers the tables repaired. */
    synchronized Set<TableName> check() {
        Set<TableName> repaired = new HashSet<>();
        try (Connection connection = dataSource.getConnection()) {
            Boolean viaRoot = publishesViaPartitionRoot(connection);
            if (viaRoot == null) {
                return repaired; // not created yet: Debezium creates it with every captured table and the option when its engine starts
            }
            if (!viaRoot) {
                repaired.addAll(publishViaPartitionRoot(connection));
            }
            Set<TableName> published = published(connection);
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

    private Set<TableName> publishViaPartitionRoot(Connection connection) throws SQLException {
        List<TableName> partitioned = new ArrayList<>();
        for (TableName table : captured) {
            if (Partitions.isPartitioned(connection, table)) {
                partitioned.add(table);
            }
        }
        if (partitioned.isEmpty()) {
            return Set.of();
        }
        String statement = "ALTER PUBLICATION " + SqlIdentifier.quoted(publication) + " SET (publish_via_partition_root = true)";
        if (!repair(connection, statement, partitioned)) {
            return Set.of();
        }
        log.warn("Publication {} published the changes of partitioned tables {} under their partitions' names, which no view names: set "
                + "publish_via_partition_root; the views reading them drop their cached values", publication, partitioned);
        return Set.copyOf(partitioned);
    }

    private boolean add(Connection connection, TableName table) {
        String statement = "ALTER PUBLICATION " + SqlIdentifier.quoted(publication) + " ADD TABLE " + table;
        if (!repair(connection, statement, List.of(table))) {
            return false;
        }
        log.warn("Table {} was not in publication {} (a table swapped in under its name, or dropped and created again), so its "
                + "changes were not captured: added it; the views reading it drop their cached values", table, publication);
        return true;
    }

    /**
     * Runs the statement and writes a schema change message for each table in one transaction; logs
     * the statement to run once when it may not. Answers whether it committed.
     */
    private boolean repair(Connection connection, String statement, Collection<TableName> tables) {
        try {
            connection.setAutoCommit(false);
            try (Statement alter = connection.createStatement();
                 PreparedStatement message = connection.prepareStatement(
                         "SELECT pg_logical_emit_message(true, ?, json_build_object('schema', ?::text, 'table', ?::text)::text)")) {
                alter.execute(statement);
                for (TableName table : tables) {
                    message.setString(1, SchemaChangeNotice.MESSAGE_PREFIX);
                    message.setString(2, table.schema());
                    message.setString(3, table.table());
                    message.execute();
                }
                connection.commit();
            }
            repairs.increment();
            reported.remove(statement);
            return true;
        } catch (SQLException e) {
            rollback(connection);
            if (reported.add(statement)) {
                log.error("The changes of {} do not reach the views reading them, and publication {} cannot be mended ({}). Run as "
                        + "the owner: {}; then cachepipe flush --view for each view that reads them", tables, publication, e.getMessage(),
                        statement);
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

    /** The publication's {@code publish_via_partition_root}; null when it does not exist. */
    private @Nullable Boolean publishesViaPartitionRoot(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pubviaroot FROM pg_publication WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getBoolean(1) : null;
            }
        }
    }

    /** The tables the publication publishes under their own names. */
    private Set<TableName> published(Connection connection) throws SQLException {
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

}
