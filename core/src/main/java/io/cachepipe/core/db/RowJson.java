package io.cachepipe.core.db;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Renders result rows as JSON by column type: numbers stay numbers (NUMERIC exactly, as BigDecimal),
 * timestamps become ISO-8601 (with time zone: UTC), json/jsonb are embedded as JSON, bytea is base64.
 */
public final class RowJson {
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
            writeValue(out, row, columns.first() + i, columns.types()[i], columns.typeNames()[i]);
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
            case Types.NUMERIC, Types.DECIMAL -> {
                var value = row.getBigDecimal(column);
                if (value == null) out.writeNull(); else out.writeNumber(value);
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double value = row.getDouble(column);
                if (row.wasNull()) out.writeNull(); else out.writeNumber(value);
            }
            case Types.BOOLEAN, Types.BIT -> {
                boolean value = row.getBoolean(column);
                if (row.wasNull()) out.writeNull(); else out.writeBoolean(value);
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> {
                var value = row.getObject(column, OffsetDateTime.class);
                if (value == null) out.writeNull();
                else out.writeString(value.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            }
            case Types.TIMESTAMP -> {
                if ("timestamptz".equals(typeName)) {
                    var value = row.getObject(column, OffsetDateTime.class);
                    if (value == null) out.writeNull();
                    else out.writeString(value.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                } else {
                    var value = row.getObject(column, java.time.LocalDateTime.class);
                    if (value == null) out.writeNull(); else out.writeString(value.toString());
                }
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> {
                byte[] value = row.getBytes(column);
                if (value == null) out.writeNull(); else out.writeBinary(value);
            }
            default -> {
                String value = row.getString(column);
                if (value == null) {
                    out.writeNull();
                } else if ("json".equals(typeName) || "jsonb".equals(typeName)) {
                    out.writeRawValue(value);
                } else {
                    out.writeString(value);
                }
            }
        }
    }
}
