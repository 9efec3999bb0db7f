package io.cachepipe.core.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.view.SourceMapping;
import io.cachepipe.core.change.TableName;
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
import java.time.DateTimeException;
import java.time.OffsetDateTime;
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
 * <p>The rendering must be byte for byte what {@link io.cachepipe.store.postgres.ViewLoader} renders from a
 * query ({@link RowJson}; the API's ETag and the audit compare bytes), so only column types whose
 * Debezium form maps exactly are accepted: integers, {@code numeric} (Debezium's
 * {@code decimal.handling.mode=string}), {@code float8}, {@code bool}, {@code timestamptz},
 * {@code text}/{@code varchar}, {@code uuid}, {@code json}/{@code jsonb}. A view with any other column
 * type, or any other SQL shape, is loaded from the database in batches instead. The column types come
 * from one prepared-statement describe per view (no query runs).
 *
 * <p>Within an accepted type, a value whose Debezium form this class cannot map exactly is
 * {@link Image.Refused refused}, never rendered differently: the key is then loaded from the database.
 * What Debezium 3.6 emits for the awkward values, checked against the real connector in
 * {@code AwkwardValuesIT}:
 * <ul>
 *   <li>{@code float8}: a JSON number ({@code -0.0} with its sign, read as a double by
 *       {@link io.cachepipe.core.change.ChangeEnvelopes}); NaN and the infinities as the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, which are also {@link RowJson}'s.</li>
 *   <li>{@code numeric}: {@link BigDecimal#toPlainString()}; its NaN and infinities as
 *       {@code "NAN"}, {@code "POSITIVE_INFINITY"}, {@code "NEGATIVE_INFINITY"} (Debezium's
 *       {@code SpecialValueDecimal} names), mapped to {@link RowJson}'s spellings.</li>
 *   <li>{@code timestamptz}: ISO-8601, and {@code "infinity"}/{@code "-infinity"} as PostgreSQL spells them.</li>
 *   <li>An unchanged TOASTed value: Debezium's placeholder ({@link ChangeEvent#UNAVAILABLE_VALUE}), refused.</li>
 * </ul>
 */
public final class PlainRowView {
    private static final Pattern SHAPE = Pattern.compile(
            "(?is)^\\s*select\\s+(.+?)\\s+from\\s+([a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)?)\\s+where\\s+([a-z_][a-z0-9_]*)\\s*=\\s*:([a-z_][a-z0-9_]*)\\s*;?\\s*$");
    private static final Pattern ITEM = Pattern.compile("(?i)^([a-z_][a-z0-9_]*)(?:\\s+as\\s+([a-z_][a-z0-9_]*))?$");
    private static final JsonFactory JSON = new JsonFactory();

    /** One output column: its label in the value, the row column it comes from, and its SQL type. */
    record Column(String label, String source, int jdbcType, String typeName) {
    }

    /** One result column as the driver describes it. */
    record Described(String label, int jdbcType, String typeName) {
    }

    /** What a change's after image makes of one key of the view. */
    public sealed interface Image {
        /** The key's new value, byte for byte what a load from the database renders. */
        record Rendered(byte[] value) implements Image {
        }

        /**
         * The change carries no new value for the key: a delete, the old key of a moved row, a record
         * keyed otherwise. The key is invalidated, as for any view.
         */
        record Absent() implements Image {
        }

        /**
         * The change carries the row, but a value in it this class cannot render exactly (an unchanged
         * TOAST value Debezium did not send, a form it does not know): the key is loaded from the database
         * instead, and the caller counts the fallback.
         */
        record Refused(String column, String reason) implements Image {
        }

        Absent ABSENT = new Absent();
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
    public record Shape(TableName table, String keyColumn, String param, List<String[]> items) {
    }

    public static Optional<Shape> shape(ViewDefinition view) {
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
        if (shape(view).isEmpty()) {
            return Optional.empty();
        }
        String jdbc = io.cachepipe.core.view.NamedSql.parse(view.sql()).jdbcSql();
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
        return of(view, described);
    }

    /** The view with its result columns as described, or empty when they do not make it a plain row view. */
    static Optional<PlainRowView> of(ViewDefinition view, List<Described> described) {
        Optional<Shape> found = shape(view);
        if (found.isEmpty() || described.size() != found.get().items().size()) {
            return Optional.empty();
        }
        Shape shape = found.get();
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < described.size(); i++) {
            Described column = described.get(i);
            String[] item = shape.items().get(i);
            if (!supported(column.jdbcType(), column.typeName()) || !column.label().equals(item[0])) {
                return Optional.empty();
            }
            columns.add(new Column(item[0], item[1], column.jdbcType(), column.typeName()));
        }
        return Optional.of(new PlainRowView(view, shape.table(), shape.keyColumn(), shape.param(), columns));
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

    public ViewDefinition view() {
        return view;
    }

    public TableName table() {
        return table;
    }

    /**
     * The key with {@code keyParams} right after {@code event}, from its after image: rendered, absent
     * (a delete, the old key of a moved row, a record keyed otherwise: invalidate the key), or refused
     * (load it from the database). This is how the invalidator updates a cached row without a database
     * read. Never throws on a value: whatever cannot be rendered exactly is refused.
     */
    public Image image(ChangeEvent event, Map<String, Object> keyParams) {
        ObjectNode after = event.after();
        if (after == null || !keyedByKeyColumn(event)) {
            return Image.ABSENT;
        }
        try {
            if (!keyParams.equals(params(event))) {
                return Image.ABSENT;
            }
        } catch (IllegalArgumentException e) {
            return new Image.Refused(keyColumn, "the key does not fit parameter " + param + ": " + e.getMessage());
        }
        return render(after);
    }

    /** The rendered value of {@link #image}, or null when the key must be invalidated or loaded instead. */
    public byte @Nullable [] newValue(ChangeEvent event, Map<String, Object> keyParams) {
        return image(event, keyParams) instanceof Image.Rendered rendered ? rendered.value() : null;
    }

    /** The view parameters of the row a change is about: from the record key, else the images. */
    public @Nullable Map<String, Object> params(ChangeEvent event) {
        JsonNode id = event.key() != null ? event.key().get(keyColumn) : null;
        if (id == null && event.after() != null) id = event.after().get(keyColumn);
        if (id == null && event.before() != null) id = event.before().get(keyColumn);
        if (id == null || id.isNull()) {
            return null;
        }
        return Map.of(param, view.param(param).type().fromJson(id));
    }

    /** True if the record key is exactly the key column: the row is identified by it, as the SQL assumes. */
    public boolean keyedByKeyColumn(ChangeEvent event) {
        ObjectNode key = event.key();
        return key != null && key.size() == 1 && key.has(keyColumn);
    }

    /**
     * The value as {@link io.cachepipe.store.postgres.ViewLoader} would render it, or refused when the image
     * lacks a column, holds Debezium's placeholder for an unchanged TOAST value, or a value whose form
     * does not map exactly (then the row is loaded from the database).
     */
    public Image render(ObjectNode after) {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            for (Column column : columns) {
                JsonNode value = after.get(column.source());
                if (value == null) {
                    return new Image.Refused(column.source(), "not in the row image");
                }
                if (value.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(value.textValue())) {
                    return new Image.Refused(column.source(), "an unchanged TOAST value Debezium did not send");
                }
                out.writeFieldName(column.label());
                if (value.isNull()) {
                    out.writeNull();
                    continue;
                }
                String refusal = write(out, column, value);
                if (refusal != null) {
                    return new Image.Refused(column.source(), refusal);
                }
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Image.Rendered(bytes.toByteArray());
    }

    /** Writes one non-null value as {@link RowJson} renders its column's type; answers why not, or null once written. */
    private static @Nullable String write(JsonGenerator out, Column column, JsonNode value) throws IOException {
        switch (column.jdbcType()) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong()) return "not a whole number: " + value.getNodeType();
                out.writeNumber(value.longValue());
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                return writeNumeric(out, value);
            }
            case Types.DOUBLE -> {
                return writeFloat8(out, value);
            }
            case Types.BIT, Types.BOOLEAN -> {
                if (!value.isBoolean()) return "not a boolean: " + value.getNodeType();
                out.writeBoolean(value.booleanValue());
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                return writeTimestamptz(out, value);
            }
            default -> {
                if (!value.isTextual()) return "not text: " + value.getNodeType();
                if ("json".equals(column.typeName()) || "jsonb".equals(column.typeName())) {
                    out.writeRawValue(value.textValue());
                } else {
                    out.writeString(value.textValue());
                }
            }
        }
        return null;
    }

    /** Debezium's string form of a {@code numeric}: plain digits, or its {@code SpecialValueDecimal} names. */
    private static @Nullable String writeNumeric(JsonGenerator out, JsonNode value) throws IOException {
        if (!value.isTextual()) {
            return "not decimal.handling.mode=string text: " + value.getNodeType();
        }
        String text = value.textValue();
        switch (text) {
            case "NAN" -> out.writeString(RowJson.NAN);
            case "POSITIVE_INFINITY" -> out.writeString(RowJson.INFINITY);
            case "NEGATIVE_INFINITY" -> out.writeString(RowJson.MINUS_INFINITY);
            default -> {
                BigDecimal decimal;
                try {
                    decimal = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    return "not a decimal number";
                }
                out.writeNumber(decimal);
            }
        }
        return null;
    }

    /**
     * A finite {@code float8} is a JSON number Debezium printed from the double and the envelope read back
     * as one, so {@code -0.0} keeps its sign; NaN and the infinities come as Jackson's strings for them.
     */
    private static @Nullable String writeFloat8(JsonGenerator out, JsonNode value) throws IOException {
        if (value.isDouble()) {
            RowJson.writeDouble(out, value.doubleValue());
            return null;
        }
        if (value.isTextual()) {
            switch (value.textValue()) {
                case "NaN" -> RowJson.writeDouble(out, Double.NaN);
                case "Infinity" -> RowJson.writeDouble(out, Double.POSITIVE_INFINITY);
                case "-Infinity" -> RowJson.writeDouble(out, Double.NEGATIVE_INFINITY);
                default -> {
                    return "not a float8 special: " + value.textValue();
                }
            }
            return null;
        }
        // A decimal node has lost the sign of a zero; an integer node is not what Debezium sends for float8.
        return "not a double: " + value.getNodeType();
    }

    /** ISO-8601 or PostgreSQL's infinities; a form {@link OffsetDateTime} cannot read, or one outside UTC's range, is refused. */
    private static @Nullable String writeTimestamptz(JsonGenerator out, JsonNode value) throws IOException {
        if (!value.isTextual()) {
            return "not text: " + value.getNodeType();
        }
        String text = value.textValue();
        if (RowJson.TIME_INFINITY.equals(text) || RowJson.TIME_MINUS_INFINITY.equals(text)) {
            out.writeString(text);
            return null;
        }
        String utc;
        try {
            utc = RowJson.utc(OffsetDateTime.parse(text));
        } catch (DateTimeException e) {
            return "not a timestamp RowJson renders alike: " + e.getMessage();
        }
        out.writeString(utc);
        return null;
    }
}
