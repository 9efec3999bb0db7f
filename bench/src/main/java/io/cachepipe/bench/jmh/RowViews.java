package io.cachepipe.bench.jmh;

import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.ViewDefinition;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * A {@link PlainRowView} without a database. It learns its column types from a prepared statement's
 * metadata ({@link PlainRowView#detect}), and nothing else of the connection: so the benchmark hands it
 * a connection that answers exactly that, with the types the PostgreSQL driver reports for the demo
 * catalog's columns, and fails on anything else it might be asked.
 */
final class RowViews {
    /** One column of the view's select list, as the driver describes it. */
    record Column(String label, int jdbcType, String typeName) {
    }

    /** The {@code product} view's columns: {@code SELECT id, sku, name, price, stock, category_id, updated_at FROM products}. */
    static final List<Column> PRODUCT = List.of(new Column("id", Types.BIGINT, "int8"), new Column("sku", Types.VARCHAR, "text"),
            new Column("name", Types.VARCHAR, "text"), new Column("price", Types.NUMERIC, "numeric"),
            new Column("stock", Types.INTEGER, "int4"), new Column("category_id", Types.BIGINT, "int8"),
            new Column("updated_at", Types.TIMESTAMP, "timestamptz"));

    private RowViews() {
    }

    /** The view as a plain row view with these columns; fails if they do not make it one. */
    static PlainRowView of(ViewDefinition view, List<Column> columns) {
        try {
            return PlainRowView.detect(view, describing(columns)).orElseThrow(() -> new IllegalArgumentException(
                    "view " + view.name() + " with columns " + columns + " is not a plain row view"));
        } catch (SQLException e) {
            throw new IllegalStateException("the stub connection failed: " + e.getMessage(), e);
        }
    }

    private static Connection describing(List<Column> columns) {
        ResultSetMetaData metadata = stub(ResultSetMetaData.class, (proxy, method, args) -> switch (method.getName()) {
            case "getColumnCount" -> columns.size();
            case "getColumnType" -> columns.get((Integer) args[0] - 1).jdbcType();
            case "getColumnTypeName" -> columns.get((Integer) args[0] - 1).typeName();
            case "getColumnLabel", "getColumnName" -> columns.get((Integer) args[0] - 1).label();
            default -> throw new UnsupportedOperationException("ResultSetMetaData." + method.getName());
        });
        PreparedStatement statement = stub(PreparedStatement.class, (proxy, method, args) -> switch (method.getName()) {
            case "getMetaData" -> metadata;
            case "close" -> null;
            default -> throw new UnsupportedOperationException("PreparedStatement." + method.getName());
        });
        return stub(Connection.class, (proxy, method, args) -> switch (method.getName()) {
            case "prepareStatement" -> statement;
            case "close" -> null;
            default -> throw new UnsupportedOperationException("Connection." + method.getName());
        });
    }

    private static <T> T stub(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(RowViews.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
