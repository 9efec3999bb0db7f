package io.cachepipe.core.render;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Renders result rows as JSON by column type: the one definition of how a PostgreSQL value looks in
 * the cache and on the API (docs/api.md, "Values"). Numbers stay numbers (NUMERIC exactly, as
 * BigDecimal), timestamps become ISO-8601 (with time zone: UTC), json/jsonb are embedded as JSON,
 * bytea is base64, arrays are JSON arrays of their elements so rendered, every other type is
 * PostgreSQL's own text. The driver reads some types as text on a statement's first execution and
 * in binary once it is prepared; each rendering here is the same for both ({@code RowJsonIT}).
 *
 * <p>Every legal value renders: JSON has no NaN or infinities, so the specials of {@code float8},
 * {@code real} and {@code numeric} become the strings {@value #NAN}, {@value #INFINITY} and
 * {@value #MINUS_INFINITY}, and the infinite {@code timestamptz}/{@code timestamp} become
 * {@value #TIME_INFINITY} and {@value #TIME_MINUS_INFINITY}, as PostgreSQL spells them. The row-image
 * path ({@link io.cachepipe.core.render.PlainRowView}) must produce these same bytes, so it reads
 * these constants too. Should a value still fail, the failure names the column
 * ({@link UnrenderableValueException}) rather than surfacing as an anonymous error.
 */
public final class RowJson {
    /** A floating-point or numeric NaN. */
    public static final String NAN = "NaN";
    /** A floating-point or numeric positive infinity. */
    public static final String INFINITY = "Infinity";
    /** A floating-point or numeric negative infinity. */
    public static final String MINUS_INFINITY = "-Infinity";
    /** A timestamp (with or without time zone) of {@code 'infinity'}. */
    public static final String TIME_INFINITY = "infinity";
    /** A timestamp (with or without time zone) of {@code '-infinity'}. */
    public static final String TIME_MINUS_INFINITY = "-infinity";

    private RowJson() {
    }

    /**
     * The labels and types of a result's columns {@code first..last} (1-based, inclusive), read once per
     * result: the driver looks a column's type up again on every call, which cost more than rendering
     * the value when it was asked per row.
     */
    public record Columns(int first, String[] labels, int[] types, String[] typeNames) {
        public static Columns of(ResultSetMetaData meta) throws SQLException {
            return of(meta, 1, meta.getColumnCount());
        }

        /** Columns {@code first..last} only: for batched loads that add bookkeeping columns. */
        public static Columns of(ResultSetMetaData meta, int first, int last) throws SQLException {
            int count = Math.max(0, last - first + 1);
            String[] labels = new String[count];
            int[] types = new int[count];
            String[] typeNames = new String[count];
            for (int i = 0; i < count; i++) {
                labels[i] = meta.getColumnLabel(first + i);
                types[i] = meta.getColumnType(first + i);
                typeNames[i] = meta.getColumnTypeName(first + i);
            }
            return new Columns(first, labels, types, typeNames);
        }
    }

    public static void writeRow(JsonGenerator out, ResultSet row, Columns columns) throws SQLException, IOException {
        out.writeStartObject();
        for (int i = 0; i < columns.labels().length; i++) {
            out.writeFieldName(columns.labels()[i]);
            try {
                writeValue(out, row, columns.first() + i, columns.types()[i], columns.typeNames()[i]);
            } catch (RuntimeException | SQLException e) {
                throw new UnrenderableValueException(columns.labels()[i], columns.typeNames()[i], e);
            }
        }
        out.writeEndObject();
    }

    private static void writeValue(JsonGenerator out, ResultSet row, int column, int type, String typeName)
            throws SQLException, IOException {
        switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                long value = row.getLong(column);
                if (row.wasNull()) out.writeNull(); else out.writeNumber(value);
            }
            case Types.NUMERIC, Types.DECIMAL -> writeNumeric(out, row.getString(column));
            case Types.REAL -> {
                // As a float: the driver widens a binary float4 to 1.100000023841858, but parses its text as 1.1.
                float value = row.getFloat(column);
                if (row.wasNull()) out.writeNull(); else if (Float.isFinite(value)) out.writeNumber(value); else writeDouble(out, value);
            }
            case Types.FLOAT, Types.DOUBLE -> {
                double value = row.getDouble(column);
                if (row.wasNull()) out.writeNull(); else writeDouble(out, value);
            }
            case Types.BOOLEAN, Types.BIT -> {
                if ("bool".equals(typeName)) {
                    boolean value = row.getBoolean(column);
                    if (row.wasNull()) out.writeNull(); else out.writeBoolean(value);
                } else {
                    writeText(out, row.getString(column)); // bit(n), varbit: the bits, e.g. "0101"
                }
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> writeTimestamptz(out, row.getObject(column, OffsetDateTime.class));
            case Types.TIMESTAMP -> {
                if ("timestamptz".equals(typeName)) {
                    writeTimestamptz(out, row.getObject(column, OffsetDateTime.class));
                } else {
                    writeTimestamp(out, row.getObject(column, LocalDateTime.class));
                }
            }
            case Types.ARRAY -> writeArray(out, row.getArray(column));
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> {
                byte[] value = row.getBytes(column);
                if (value == null) out.writeNull(); else out.writeBinary(value);
            }
            default -> {
                String value = row.getString(column);
                if (value != null && ("json".equals(typeName) || "jsonb".equals(typeName))) {
                    out.writeRawValue(value);
                } else {
                    writeText(out, value);
                }
            }
        }
    }

    /**
     * An array as a JSON array of its elements, each rendered as a value of the element type is (nested
     * for more dimensions). Not the array's text: the driver prints an array it received in binary
     * ({@code int[]} after the statement was prepared) otherwise than PostgreSQL does, every element quoted.
     */
    private static void writeArray(JsonGenerator out, java.sql.@Nullable Array array) throws SQLException, IOException {
        if (array == null) {
            out.writeNull();
            return;
        }
        try (ResultSet elements = array.getResultSet()) {
            ResultSetMetaData meta = elements.getMetaData();
            int type = meta.getColumnType(2);
            String typeName = meta.getColumnTypeName(2);
            out.writeStartArray();
            while (elements.next()) {
                writeValue(out, elements, 2, type, typeName);
            }
            out.writeEndArray();
        } finally {
            array.free();
        }
    }

    /** PostgreSQL's text of a {@code numeric}: a JSON number at its exact scale, or a special as a string. */
    private static void writeNumeric(JsonGenerator out, @Nullable String text) throws IOException {
        if (text == null) {
            out.writeNull();
        } else if (NAN.equals(text) || INFINITY.equals(text) || MINUS_INFINITY.equals(text)) {
            out.writeString(text);
        } else {
            out.writeNumber(new BigDecimal(text));
        }
    }

    /**
     * A finite double as a JSON number ({@code -0.0} keeps its sign), a special as a string. Said here,
     * not left to the generator's {@code WRITE_NAN_AS_STRINGS} default, because the row-image path must agree.
     */
    public static void writeDouble(JsonGenerator out, double value) throws IOException {
        if (Double.isFinite(value)) {
            out.writeNumber(value);
        } else {
            out.writeString(Double.isNaN(value) ? NAN : value > 0 ? INFINITY : MINUS_INFINITY);
        }
    }

    /** ISO-8601 in UTC; the driver reads PostgreSQL's infinities as {@link OffsetDateTime#MAX}/{@code MIN}, which have no UTC form. */
    private static void writeTimestamptz(JsonGenerator out, @Nullable OffsetDateTime value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (OffsetDateTime.MAX.equals(value)) {
            out.writeString(TIME_INFINITY);
        } else if (OffsetDateTime.MIN.equals(value)) {
            out.writeString(TIME_MINUS_INFINITY);
        } else {
            out.writeString(utc(value));
        }
    }

    /** The one rendering of a {@code timestamptz} instant: ISO-8601 at UTC, a year before 1 as {@code -0043} (44 BC). */
    public static String utc(OffsetDateTime value) {
        return value.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static void writeTimestamp(JsonGenerator out, @Nullable LocalDateTime value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (LocalDateTime.MAX.equals(value)) {
            out.writeString(TIME_INFINITY);
        } else if (LocalDateTime.MIN.equals(value)) {
            out.writeString(TIME_MINUS_INFINITY);
        } else {
            out.writeString(value.toString());
        }
    }

    private static void writeText(JsonGenerator out, @Nullable String value) throws IOException {
        if (value == null) out.writeNull(); else out.writeString(value);
    }
}
