package io.cachepipe.core.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.render.ColumnDescriptions.Column;
import io.cachepipe.core.render.PlainRowView.Image;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders a change's after image as a {@link PlainRowView}'s value, byte for byte what
 * {@link io.cachepipe.store.postgres.ViewLoader} renders from a query ({@link RowJson}), or refuses it.
 * A value whose Debezium form does not map exactly is {@link Image.Refused refused}, never rendered
 * differently. What Debezium 3.6 emits for the awkward values, checked against the real connector in
 * {@code AwkwardValuesIT}:
 * <ul>
 *   <li>{@code float8}: a JSON number ({@code -0.0} with its sign, read as a double by
 *       {@link io.cachepipe.core.change.ChangeEnvelopes}); NaN and the infinities as the strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, which are also {@link RowJson}'s.</li>
 *   <li>{@code numeric}: {@link BigDecimal#toPlainString()}; its NaN and infinities as
 *       {@code "NAN"}, {@code "POSITIVE_INFINITY"}, {@code "NEGATIVE_INFINITY"} (Debezium's
 *       {@code SpecialValueDecimal} names), mapped to {@link RowJson}'s spellings.</li>
 *   <li>{@code timestamptz}: ISO-8601, and {@code "infinity"}/{@code "-infinity"} as PostgreSQL spells them.</li>
 *   <li>An unchanged TOASTed value, or one too large for a Kafka message: the placeholder ({@link ChangeEvent#UNAVAILABLE_VALUE}), refused.</li>
 * </ul>
 */
final class RowImageRenderer {
    private static final JsonFactory JSON = new JsonFactory();

    private RowImageRenderer() {
    }

    /**
     * The value of {@code columns} taken from {@code after}, or refused when the image lacks a column,
     * holds Debezium's placeholder for an unchanged TOAST value, or a value whose form does not map exactly.
     */
    static Image render(List<Column> columns, ObjectNode after) {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            for (Column column : columns) {
                JsonNode value = after.get(column.source());
                if (value == null) {
                    return new Image.Refused(column.source(), "not in the row image");
                }
                if (value.isTextual() && ChangeEvent.UNAVAILABLE_VALUE.equals(value.textValue())) {
                    return new Image.Refused(column.source(), "a value the change does not carry (an unchanged TOAST value, or one too large for a Kafka message)");
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
        String rendered = UtcText.rendered(text);
        if (rendered != null) {
            out.writeString(rendered);
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
