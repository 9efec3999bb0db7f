package io.cachepipe.core.rebuild;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.view.TableName;
import io.cachepipe.core.view.ViewDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A view whose value is nothing but one table row picked by its primary key
 * ({@code SELECT a, b AS c FROM t WHERE id = :id}, {@code result: row}): the change topic's latest
 * after image already is its value, so a rebuild renders it without asking PostgreSQL, and the
 * invalidator writes a changed row's new value in place of deleting it.
 *
 * <p>The rendering must be byte for byte what {@link io.cachepipe.core.db.ViewLoader} renders from a
 * query (the API's ETag and the audit compare bytes), so only column types whose Debezium form maps
 * exactly are accepted: integers, {@code numeric} (Debezium's {@code decimal.handling.mode=string}),
 * {@code float8}, {@code bool}, {@code timestamptz}, {@code text}/{@code varchar}, {@code uuid},
 * {@code json}/{@code jsonb}. A view with any other column type, or any other SQL shape, is loaded
 * from the database in batches instead. The column types come from one prepared-statement describe
 * per view (no query runs).
 */
public final class PlainRowView {
    private static final Pattern SHAPE = Pattern.compile(
            "(?is)^\\s*select\\s+(.+?)\\s+from\\s+([a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)?)\\s+where\\s+([a-z_][a-z0-9_]*)\\s*=\\s*:([a-z_][a-z0-9_]*)\\s*;?\\s*$");
    private static final Pattern ITEM = Pattern.compile("(?i)^([a-z_][a-z0-9_]*)(?:\\s+as\\s+([a-z_][a-z0-9_]*))?$");
    private static final JsonFactory JSON = new JsonFactory();

    /** One output column: its label in the value, the row column it comes from, and its SQL type. */
    record Column(String label, String source, int jdbcType, String typeName) {
    }

    private final ViewDefinition view;
    private final TableName table;
    private final String keyColumn;
    private final String param;
    private final List<Column> columns;

    private PlainRowView(ViewDefinition view, TableName table, String keyColumn, String param, List<Column> columns) {
        this.view = view;
        this.table = table;
        this.keyColumn = keyColumn;
        this.param = param;
        this.columns = List.copyOf(columns);
    }

    /** The shape check alone, without the database: the select list, table, key column and parameter, or empty. */
    record Shape(TableName table, String keyColumn, String param, List<String[]> items) {
    }

    static Optional<Shape> shape(ViewDefinition view) {
        if (view.result() != ViewDefinition.ResultShape.ROW || view.params().size() != 1) {
            return Optional.empty();
        }
        Matcher matcher = SHAPE.matcher(view.sql());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        TableName table = TableName.parse(matcher.group(2).toLowerCase(Locale.ROOT));
        String keyColumn = matcher.group(3).toLowerCase(Locale.ROOT);
        String param = matcher.group(4);
        if (!view.params().containsKey(param)) {
            return Optional.empty();
        }
        boolean sourced = view.sources().stream().anyMatch(source -> source.table().equals(table)
                && source.bind().equals(Map.of(param, keyColumn)));
        if (!sourced) {
            return Optional.empty();
        }
        List<String[]> items = new ArrayList<>();
        for (String item : matcher.group(1).split(",")) {
            Matcher one = ITEM.matcher(item.strip());
            if (!one.matches()) {
                return Optional.empty();
            }
            String source = one.group(1).toLowerCase(Locale.ROOT);
            String label = one.group(2) == null ? source : one.group(2).toLowerCase(Locale.ROOT);
            items.add(new String[] {label, source});
        }
        return Optional.of(new Shape(table, keyColumn, param, items));
    }

    /**
     * The view as a plain row view, or empty when its shape or a column type does not allow rendering
     * from row images. {@code describe} prepares the view's SQL once to learn the column types.
     */
    public static Optional<PlainRowView> detect(ViewDefinition view, Connection connection) throws SQLException {
        Optional<Shape> found = shape(view);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Shape shape = found.get();
        String jdbc = io.cachepipe.core.db.NamedSql.parse(view.sql()).jdbcSql();
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(jdbc)) {
            ResultSetMetaData meta = statement.getMetaData();
            if (meta == null || meta.getColumnCount() != shape.items().size()) {
                return Optional.empty();
            }
            for (int i = 0; i < shape.items().size(); i++) {
                int type = meta.getColumnType(i + 1);
                String typeName = meta.getColumnTypeName(i + 1);
                if (!supported(type, typeName) || !meta.getColumnLabel(i + 1).equals(shape.items().get(i)[0])) {
                    return Optional.empty();
                }
                columns.add(new Column(shape.items().get(i)[0], shape.items().get(i)[1], type, typeName));
            }
        }
        return Optional.of(new PlainRowView(view, shape.table(), shape.keyColumn(), shape.param(), columns));
    }

    private static boolean supported(int type, String typeName) {
        return switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.NUMERIC, Types.DECIMAL, Types.DOUBLE -> true;
            case Types.BIT, Types.BOOLEAN -> "bool".equals(typeName);
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "timestamptz".equals(typeName);
            case Types.VARCHAR -> "text".equals(typeName) || "varchar".equals(typeName);
            case Types.OTHER -> "uuid".equals(typeName) || "json".equals(typeName) || "jsonb".equals(typeName);
            default -> false;
        };
    }

    public ViewDefinition view() {
        return view;
    }

    public TableName table() {
        return table;
    }

    /**
     * The value of the key with {@code keyParams} right after {@code event}, rendered from its after
     * image; null when the event does not carry that row's complete new image (a delete, the old key
     * of a moved row, a TOAST placeholder, a record keyed otherwise), and the key must be invalidated
     * and loaded instead. This is how the invalidator updates a cached row without a database read.
     */
    public byte @Nullable [] newValue(ChangeEvent event, Map<String, Object> keyParams) {
        ObjectNode after = event.after();
        if (after == null || !keyedByKeyColumn(event) || !keyParams.equals(params(event))) {
            return null;
        }
        return render(after);
    }

    /** The view parameters of the row a change is about: from the record key, else the images. */
    @Nullable Map<String, Object> params(ChangeEvent event) {
        JsonNode id = event.key() != null ? event.key().get(keyColumn) : null;
        if (id == null && event.after() != null) id = event.after().get(keyColumn);
        if (id == null && event.before() != null) id = event.before().get(keyColumn);
        if (id == null || id.isNull()) {
            return null;
        }
        return Map.of(param, view.params().get(param).type().fromJson(id));
    }

    /** True if the record key is exactly the key column: the row is identified by it, as the SQL assumes. */
    boolean keyedByKeyColumn(ChangeEvent event) {
        ObjectNode key = event.key();
        return key != null && key.size() == 1 && key.has(keyColumn);
    }

    /**
     * The value as {@link io.cachepipe.core.db.ViewLoader} would render it, or null when the image
     * lacks a column or holds Debezium's placeholder for an unchanged TOAST value (then the row is
     * loaded from the database).
     */
    byte @Nullable [] render(ObjectNode after) {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            for (Column column : columns) {
                JsonNode value = after.get(column.source());
                if (value == null || value.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(value.textValue())) {
                    return null;
                }
                out.writeFieldName(column.label());
                if (value.isNull()) {
                    out.writeNull();
                    continue;
                }
                if (!write(out, column, value)) {
                    return null;
                }
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static boolean write(JsonGenerator out, Column column, JsonNode value) throws IOException {
        switch (column.jdbcType()) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> {
                if (!value.isIntegralNumber()) return false;
                out.writeNumber(value.longValue());
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                if (value.isTextual()) {
                    try {
                        out.writeNumber(new BigDecimal(value.textValue()));
                    } catch (NumberFormatException e) {
                        return false;
                    }
                } else if (value.isNumber()) {
                    out.writeNumber(value.decimalValue());
                } else {
                    return false;
                }
            }
            case Types.DOUBLE -> {
                if (!value.isNumber()) return false;
                out.writeNumber(value.doubleValue());
            }
            case Types.BIT, Types.BOOLEAN -> {
                if (!value.isBoolean()) return false;
                out.writeBoolean(value.booleanValue());
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                if (!value.isTextual()) return false;
                out.writeString(OffsetDateTime.parse(value.textValue()).withOffsetSameInstant(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            }
            default -> {
                if (!value.isTextual()) return false;
                if ("json".equals(column.typeName()) || "jsonb".equals(column.typeName())) {
                    out.writeRawValue(value.textValue());
                } else {
                    out.writeString(value.textValue());
                }
            }
        }
        return true;
    }
}
