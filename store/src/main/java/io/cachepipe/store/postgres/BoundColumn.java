package io.cachepipe.store.postgres;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.view.ParamType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A column a parameter is bound to: its type (a domain's base type) and whether its collation is
 * deterministic. A key holds one spelling of a value, the one a changed row's image carries; a
 * column PostgreSQL compares more loosely than byte for byte finds the row for other spellings too,
 * and their keys would never hear of the change.
 */
record BoundColumn(String baseType, boolean deterministic) {
        /** Why keys of a {@code param} parameter bound to this column could be left stale by a change; null when they cannot. */
        @Nullable String keyProblem(ParamType param) {
            boolean text = param == ParamType.STRING || param == ParamType.CHAR;
            if (text && !deterministic) {
                return "has a nondeterministic collation: PostgreSQL finds its row for other spellings of the value too (another"
                        + " case, other accents), each cached under its own key, and a change to the row reaches only the key of"
                        + " the spelling it stores, leaving the others stale. Bind a column with a deterministic collation";
            }
            if ("bpchar".equals(baseType) && param == ParamType.STRING) {
                return "is char(n), which PostgreSQL compares without trailing spaces: 'AB' and 'AB  ' find the same row under"
                        + " two keys, and a change to the row (its image padded to n) reaches only one of them, leaving the other"
                        + " stale. Declare the parameter {type: char}: it drops trailing spaces, so every spelling is one key";
            }
            if (("float8".equals(baseType) || "float4".equals(baseType)) && param == ParamType.DECIMAL) {
                return "is " + baseType + ", which holds many decimals as one binary value: 0.1 and 0.10000000000000001 find the"
                        + " same row under two keys, and a change to the row reaches only the key of the decimal its image"
                        + " prints, leaving the other stale. Bind a numeric column";
            }
            if (!"bpchar".equals(baseType) && param == ParamType.CHAR) {
                return "is " + baseType + ", whose trailing spaces count, but its parameter is {type: char}, which drops them:"
                        + " declare it {type: string}";
            }
            return null;
        }

    /** The columns of {@code table} by name; none when there is no such table. */
    static Map<String, BoundColumn> of(Connection connection, TableName table) throws SQLException {
        Map<String, BoundColumn> columns = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT a.attname, coalesce(base.typname, t.typname), coalesce(c.collisdeterministic, true)
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_type base ON t.typtype = 'd' AND base.oid = t.typbasetype
                LEFT JOIN pg_collation c ON c.oid = a.attcollation
                WHERE a.attrelid = to_regclass(format('%I.%I', ?, ?)) AND a.attnum > 0 AND NOT a.attisdropped""")) {
            query.setString(1, table.schema());
            query.setString(2, table.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), new BoundColumn(rows.getString(2), rows.getBoolean(3)));
                }
            }
        }
        return columns;
    }
}
