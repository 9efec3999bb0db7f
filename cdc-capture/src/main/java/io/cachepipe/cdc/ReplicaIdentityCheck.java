package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.postgres.Partitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds captured tables whose views bind columns outside the primary key while REPLICA IDENTITY is
 * not FULL: their updates arrive without the old row, so the keys the old values mapped to cannot be
 * named and the invalidator must fall back to whole-view invalidation. Warns with the exact fix, or
 * applies it when configured to. A table with no identity at all (no primary key under DEFAULT, or
 * NOTHING) is refused unless the policy sets FULL: once it is in the publication, PostgreSQL refuses
 * every UPDATE and DELETE of it, so capturing it would break its writers.
 */
final class ReplicaIdentityCheck {
    private static final Logger log = LoggerFactory.getLogger(ReplicaIdentityCheck.class);

    /**
     * A table that needs FULL identity and does not have it: for the columns views bind outside its key,
     * or, {@code refusesWrites}, because it has no identity at all.
     */
    record Finding(TableName table, String identity, Set<String> columns, boolean refusesWrites) {
        String fix() {
            return "ALTER TABLE " + table + " REPLICA IDENTITY FULL";
        }
    }

    private ReplicaIdentityCheck() {
    }

    static List<Finding> run(Connection connection, ViewCatalog catalog, CdcConfig.ReplicaIdentityPolicy policy) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<TableName, Set<String>> entry : boundColumns(catalog).entrySet()) {
            for (TableName table : storedIn(connection, entry.getKey())) {
                check(connection, table, entry.getValue(), policy).ifPresent(findings::add);
            }
        }
        List<String> refused = findings.stream().filter(Finding::refusesWrites).map(finding -> finding.table() + " has REPLICA IDENTITY "
                + finding.identity() + (finding.identity().equals("DEFAULT") ? " and no primary key" : "") + ". Fix: " + finding.fix()
                + (finding.identity().equals("DEFAULT") ? ", or add a primary key" : "")).toList();
        if (!refused.isEmpty()) {
            throw new IllegalStateException("captured tables without a replica identity: once in the publication, PostgreSQL refuses every "
                    + "UPDATE and DELETE of them (\"does not have a replica identity and publishes updates\"). Set cdc.replica-identity=set "
                    + "to have cdc-capture give them FULL, or:\n  - " + String.join("\n  - ", refused));
        }
        return findings;
    }

    /** The finding for one table that stores rows, if it needs FULL and the policy does not set it. */
    private static Optional<Finding> check(Connection connection, TableName table, Set<String> bound, CdcConfig.ReplicaIdentityPolicy policy)
            throws SQLException {
        String identity = identity(connection, table);
        if (identity == null || "f".equals(identity)) {
            return Optional.empty();
        }
        Set<String> key = primaryKey(connection, table);
        boolean refusesWrites = "n".equals(identity) || ("d".equals(identity) && key.isEmpty());
        Set<String> outsideKey = new LinkedHashSet<>(bound);
        outsideKey.removeAll(key);
        if (outsideKey.isEmpty() && !refusesWrites) {
            return Optional.empty();
        }
        var finding = new Finding(table, describe(identity), outsideKey, refusesWrites);
        if (policy == CdcConfig.ReplicaIdentityPolicy.SET) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(finding.fix());
            }
            log.info("Set REPLICA IDENTITY FULL on {} ({})", table, refusesWrites ? "it had none, and PostgreSQL refuses the updates and"
                    + " deletes of a published table without one" : "views bind " + outsideKey + " outside its primary key");
            return Optional.empty();
        }
        if (refusesWrites) {
            return Optional.of(finding);
        }
        log.warn("Table {} has REPLICA IDENTITY {} but views bind {} outside its primary key: updates there cannot"
                + " name the keys of the old values and will invalidate whole views. Fix: {}; or set"
                + " cdc.replica-identity=set", table, finding.identity(), outsideKey, finding.fix());
        return Optional.of(finding);
    }

    /**
     * The tables holding the table's rows: its leaf partitions when it is partitioned (PostgreSQL decodes
     * an update's old row with the partition's REPLICA IDENTITY, and a partitioned table's own is not
     * passed on to its partitions), else the table itself.
     */
    private static List<TableName> storedIn(Connection connection, TableName table) throws SQLException {
        List<TableName> leaves = Partitions.leaves(connection, table);
        return leaves.isEmpty() ? List.of(table) : leaves;
    }

    private static Map<TableName, Set<String>> boundColumns(ViewCatalog catalog) {
        Map<TableName, Set<String>> columns = new LinkedHashMap<>();
        for (ViewDefinition view : catalog.views()) {
            for (SourceMapping source : view.sources()) {
                columns.computeIfAbsent(source.table(), t -> new LinkedHashSet<>()).addAll(source.bind().values());
            }
        }
        return columns;
    }

    /** The table's {@code relreplident}, or null if there is no such table. */
    private static @Nullable String identity(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ?")) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static Set<String> primaryKey(Connection connection, TableName table) throws SQLException {
        Set<String> columns = new LinkedHashSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                        + " WHERE i.indrelid = ?::regclass AND i.indisprimary")) {
            query.setString(1, table.toString());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        return columns;
    }

    private static String describe(String code) {
        return switch (code) {
            case "d" -> "DEFAULT";
            case "n" -> "NOTHING";
            case "i" -> "USING INDEX";
            default -> code;
        };
    }
}
