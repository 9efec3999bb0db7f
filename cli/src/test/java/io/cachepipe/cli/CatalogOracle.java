package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.json.Json;
import io.cachepipe.testsupport.Jdbc;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the demo catalog's views should serve, read with plain JDBC and typed reads, and compared with
 * what the API served by meaning (numbers by value, timestamps by instant), not by bytes: an oracle
 * that shares neither the product's renderer ({@code RowJson}, {@code ViewLoader}) nor its scripts, so
 * a bug in them cannot hide by being on both sides of the comparison.
 */
final class CatalogOracle implements AutoCloseable {
    /** One connection for every read: a connection per read (a backend forked each time) made the soak's checks a minute long. */
    private final Connection connection;

    CatalogOracle(Jdbc jdbc) {
        this.connection = jdbc.connect();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** The product's row, or null when there is none. */
    @Nullable Map<String, Object> product(long id) {
        List<Map<String, Object>> rows = rows("SELECT id, sku, name, price, stock, category_id, updated_at FROM products WHERE id = ?", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** One page of 20 products of a category, by id. */
    List<Map<String, Object>> page(long category, int page) {
        return rows("SELECT id, sku, name, price, stock FROM products WHERE category_id = ? ORDER BY id LIMIT 20 OFFSET ?",
                category, (page - 1) * 20L);
    }

    /** A category with its product count and price range. */
    @Nullable Map<String, Object> category(long id) {
        List<Map<String, Object>> rows = rows("SELECT c.id, c.name, count(p.id) AS product_count, min(p.price) AS min_price,"
                + " max(p.price) AS max_price FROM categories c LEFT JOIN products p ON p.category_id = c.id WHERE c.id = ?"
                + " GROUP BY c.id, c.name", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Asserts that the served JSON object holds exactly the row's columns, each equal in meaning. */
    static void assertSame(String what, String served, Map<String, Object> expected) throws Exception {
        assertSame(what, Json.mapper().readTree(served), expected);
    }

    /** Asserts that the served JSON array holds the rows, in order. */
    static void assertSameList(String what, String served, List<Map<String, Object>> expected) throws Exception {
        JsonNode array = Json.mapper().readTree(served);
        assertThat(array.isArray()).as(what + ": " + served).isTrue();
        assertThat(array.size()).as(what + ": rows served " + served).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertSame(what + " row " + i, array.get(i), expected.get(i));
        }
    }

    private static void assertSame(String what, JsonNode served, Map<String, Object> expected) {
        List<String> names = new ArrayList<>();
        served.fieldNames().forEachRemaining(names::add);
        assertThat(names).as(what + ": columns of " + served).containsExactlyElementsOf(expected.keySet());
        expected.forEach((column, value) -> {
            JsonNode field = served.get(column);
            String at = what + "." + column + " served " + field + ", the database holds " + value;
            if (value == null) {
                assertThat(field.isNull()).as(at).isTrue();
            } else if (value instanceof BigDecimal number) {
                assertThat(field.isNumber() && field.decimalValue().compareTo(number) == 0).as(at).isTrue();
            } else if (value instanceof Long number) {
                assertThat(field.isIntegralNumber() && field.longValue() == number).as(at).isTrue();
            } else if (value instanceof OffsetDateTime time) {
                assertThat(field.isTextual() && Instant.parse(field.asText()).equals(time.toInstant())).as(at).isTrue();
            } else {
                assertThat(field.isTextual() && field.asText().equals(value)).as(at).isTrue();
            }
        });
    }

    private List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The row with each column read as the type it is declared: integers as long, numerics exactly, timestamps as instants. */
    private static Map<String, Object> row(ResultSet result) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        var meta = result.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String type = meta.getColumnTypeName(i);
            Object value = switch (type) {
                case "int2", "int4", "int8", "serial", "bigserial" -> result.getLong(i);
                case "numeric" -> result.getBigDecimal(i);
                case "timestamptz" -> result.getObject(i, OffsetDateTime.class);
                default -> result.getString(i);
            };
            row.put(meta.getColumnLabel(i), result.wasNull() ? null : value);
        }
        return row;
    }
}
