package io.cachepipe.store.postgres;

import io.cachepipe.core.change.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A table's place in a partition tree, as the catalog says: what the publication publishes a
 * partition's changes under ({@link #root}), and which tables hold a partitioned table's rows
 * ({@link #leaves}). A table that is in no tree, or absent, has no root and no leaves.
 */
public final class Partitions {
    private static final String REGCLASS = "to_regclass(format('%I.%I', ?::text, ?::text))";

    private Partitions() {
    }

    /** The partitioned table at the top of the table's tree (the table itself when it is that one), or null. */
    public static @Nullable TableName root(Connection connection, TableName table) throws SQLException {
        List<TableName> root = query(connection, "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid = pg_partition_root(" + REGCLASS + ")", table);
        return root.isEmpty() ? null : root.getFirst();
    }

    /** Whether the table is partitioned: its rows are in its partitions. */
    public static boolean isPartitioned(Connection connection, TableName table) throws SQLException {
        return !query(connection, "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid = " + REGCLASS + " AND c.relkind = 'p'", table).isEmpty();
    }

    /** The partitions that hold the rows of a partitioned table, in name order; none for any other table. */
    public static List<TableName> leaves(Connection connection, TableName table) throws SQLException {
        return query(connection, "SELECT n.nspname, c.relname FROM pg_partition_tree(" + REGCLASS + ") t JOIN pg_class c ON c.oid = t.relid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf AND t.level > 0 ORDER BY 1, 2", table);
    }

    private static List<TableName> query(Connection connection, String sql, TableName table) throws SQLException {
        List<TableName> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableName(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return tables;
    }
}
