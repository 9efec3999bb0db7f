package io.cachepipe.store.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cachepipe.core.render.RowJson;
import io.cachepipe.core.view.NamedSql;
import io.cachepipe.core.view.ParamType;
import io.cachepipe.core.view.ViewDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Loads many keys of one view in one query: the view's own SQL runs once per parameter set inside a
 * {@code LATERAL} join over arrays of the parameter values, and each key's rows are rendered exactly
 * as {@link io.cachepipe.store.postgres.ViewLoader} renders them. A rebuild of 10,000 category pages is then
 * 20 queries rather than 10,000. Counts the queries it runs.
 *
 * <pre>
 * SELECT k.ord, v.* FROM unnest(?::bigint[], ?::integer[]) WITH ORDINALITY AS k(p_category_id, p_page, ord)
 * LEFT JOIN LATERAL (SELECT s.*, row_number() OVER () AS cachepipe_rn FROM (&lt;view SQL, :x → k.p_x&gt;) s) v ON true
 * ORDER BY k.ord, v.cachepipe_rn
 * </pre>
 */
public final class BatchLoader {
    private static final JsonFactory JSON = new JsonFactory();
    private final DataSource dataSource;
    private final LoadTimer timer;
    private final AtomicLong queries = new AtomicLong();

    /** A loader whose loads are not timed: for tools and tests. */
    public BatchLoader(DataSource dataSource) {
        this(dataSource, LoadTimer.NONE);
    }

    /** A loader for {@code cause}: through a {@link ConnectionPool}, every query is timed on its registry, and logged when slow. */
    public BatchLoader(DataSource dataSource, LoadTimer.Cause cause) {
        this(dataSource, LoadTimer.of(dataSource, cause));
    }

    private BatchLoader(DataSource dataSource, LoadTimer timer) {
        this.dataSource = dataSource;
        this.timer = timer;
    }

    /** Queries run so far. */
    public long queries() {
        return queries.get();
    }

    /** The values of these parameter sets, in the same order; an empty value is a row view's "not found". */
    public List<byte[]> load(ViewDefinition view, List<Map<String, Object>> keys) throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        return timer.time(view, keys.size(), view.sql(), () -> run(view, keys));
    }

    private List<byte[]> run(ViewDefinition view, List<Map<String, Object>> keys) throws SQLException {
        List<String> names = new ArrayList<>(view.params().keySet());
        String sql = batchSql(view, names);
        List<ByteArrayOutputStream> values = new ArrayList<>(keys.size());
        List<Integer> rowsPerKey = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            values.add(null);
            rowsPerKey.add(0);
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int p = 0; p < names.size(); p++) {
                ParamType type = view.param(names.get(p)).type();
                Object[] column = new Object[keys.size()];
                for (int k = 0; k < keys.size(); k++) {
                    Object value = keys.get(k).get(names.get(p));
                    if (value == null) {
                        throw new IllegalArgumentException("view " + view.name() + " needs parameter " + names.get(p));
                    }
                    column[k] = type == ParamType.UUID || type == ParamType.DECIMAL ? String.valueOf(value) : value;
                }
                Array array = connection.createArrayOf(elementType(type), column);
                statement.setArray(p + 1, array);
            }
            queries.incrementAndGet();
            try (ResultSet rows = statement.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                int last = meta.getColumnCount() - 1;
                RowJson.Columns columns = RowJson.Columns.of(meta, 2, last);
                List<JsonGenerator> generators = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    generators.add(null);
                }
                while (rows.next()) {
                    int index = rows.getInt(1) - 1;
                    rows.getLong(last + 1);
                    boolean hasRow = !rows.wasNull();
                    JsonGenerator out = generators.get(index);
                    if (out == null) {
                        var bytes = new ByteArrayOutputStream(256);
                        values.set(index, bytes);
                        out = JSON.createGenerator(bytes);
                        generators.set(index, out);
                        if (view.result() == ViewDefinition.ResultShape.LIST) {
                            out.writeStartArray();
                        }
                    }
                    if (!hasRow) {
                        continue;
                    }
                    int seen = rowsPerKey.get(index);
                    rowsPerKey.set(index, seen + 1);
                    if (view.result() == ViewDefinition.ResultShape.ROW && seen > 0) {
                        continue;
                    }
                    RowJson.writeRow(out, rows, columns);
                }
                List<byte[]> out = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++) {
                    JsonGenerator generator = generators.get(i);
                    if (generator != null) {
                        if (view.result() == ViewDefinition.ResultShape.LIST) {
                            generator.writeEndArray();
                        }
                        generator.close();
                    }
                    boolean none = view.result() == ViewDefinition.ResultShape.ROW && rowsPerKey.get(i) == 0;
                    out.add(none || values.get(i) == null ? (view.result() == ViewDefinition.ResultShape.LIST
                            ? "[]".getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0]) : values.get(i).toByteArray());
                }
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String batchSql(ViewDefinition view, List<String> names) {
        NamedSql named = NamedSql.parse(view.sql());
        String inner = substitute(named);
        var arrays = new StringBuilder();
        var columns = new StringBuilder();
        for (String name : names) {
            ParamType type = view.param(name).type();
            arrays.append(arrays.isEmpty() ? "" : ", ").append("?::").append(elementType(type)).append("[]");
            columns.append("p_").append(name).append(", ");
        }
        return "SELECT k.ord, v.* FROM unnest(" + arrays + ") WITH ORDINALITY AS k(" + columns + "ord)\n"
                + "LEFT JOIN LATERAL (SELECT s.*, row_number() OVER () AS cachepipe_rn FROM (\n" + inner + "\n) s) v ON true\n"
                + "ORDER BY k.ord, v.cachepipe_rn";
    }

    /** Replaces each JDBC placeholder outside quotes by the batch's column of that parameter. */
    private static String substitute(NamedSql named) {
        String sql = named.jdbcSql().strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        var out = new StringBuilder(sql.length() + 32);
        int parameter = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                out.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                out.append(c);
            } else if (c == '?' && parameter < named.parameters().size()) {
                out.append("k.p_").append(named.parameters().get(parameter++));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String elementType(ParamType type) {
        return switch (type) {
            case LONG -> "bigint";
            case INT -> "integer";
            case STRING, CHAR -> "text";
            case DECIMAL -> "numeric";
            case UUID -> "uuid";
        };
    }
}
