package io.cachepipe.core.render;

import io.cachepipe.core.view.NamedSql;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result columns of a {@link PlainRowView}: their types, learnt from one prepared-statement
 * describe of the view's SQL (no query runs), and whether every one is of a type whose Debezium form
 * maps exactly onto {@link RowJson}'s rendering: integers, {@code numeric} (Debezium's
 * {@code decimal.handling.mode=string}), {@code float8}, {@code bool}, {@code timestamptz},
 * {@code text}/{@code varchar}, {@code uuid}, {@code json}/{@code jsonb}.
 */
final class ColumnDescriptions {
    /** One result column as the driver describes it. */
    record Described(String label, int jdbcType, String typeName) {
    }

    /** One output column: its label in the value, the row column it comes from, and its SQL type. */
    record Column(String label, String source, int jdbcType, String typeName) {
    }

    private ColumnDescriptions() {
    }

    /** The view's result columns as the driver describes them, or empty when it describes none. */
    static Optional<List<Described>> describe(ViewDefinition view, Connection connection) throws SQLException {
        String jdbc = NamedSql.parse(view.sql()).jdbcSql();
        List<Described> described = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(jdbc)) {
            ResultSetMetaData meta = statement.getMetaData();
            if (meta == null) {
                return Optional.empty();
            }
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                described.add(new Described(meta.getColumnLabel(i), meta.getColumnType(i), meta.getColumnTypeName(i)));
            }
        }
        return Optional.of(described);
    }

    /**
     * The select list's columns with their described types, or empty when the description does not
     * match the list or a type is not one rendered exactly from row images.
     */
    static Optional<List<Column>> columns(PlainRowView.Shape shape, List<Described> described) {
        if (described.size() != shape.items().size()) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < described.size(); i++) {
            Described column = described.get(i);
            String[] item = shape.items().get(i);
            if (!supported(column.jdbcType(), column.typeName()) || !column.label().equals(item[0])) {
                return Optional.empty();
            }
            columns.add(new Column(item[0], item[1], column.jdbcType(), column.typeName()));
        }
        return Optional.of(columns);
    }

    /**
     * The types whose every value Debezium sends in a form that maps exactly onto {@link RowJson}'s. The
     * driver reports {@code money} as DOUBLE and {@code bit(n)} as BIT too, hence the names.
     */
    private static boolean supported(int type, String typeName) {
        return switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> true;
            case Types.NUMERIC, Types.DECIMAL -> "numeric".equals(typeName);
            case Types.DOUBLE -> "float8".equals(typeName);
            case Types.BIT, Types.BOOLEAN -> "bool".equals(typeName);
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "timestamptz".equals(typeName);
            case Types.VARCHAR -> "text".equals(typeName) || "varchar".equals(typeName);
            case Types.OTHER -> "uuid".equals(typeName) || "json".equals(typeName) || "jsonb".equals(typeName);
            default -> false;
        };
    }
}
