package io.cachepipe.core.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * The type of a view parameter: how it is parsed from a request, read from a row image and bound to SQL.
 *
 * <p>Input is hostile until parsed: a value out of its type's range is refused, never wrapped or
 * rounded, a decimal is bounded ({@link #MAX_DECIMAL_DIGITS}) before anything expands it, and a
 * refusal quotes at most {@link #QUOTED_PREFIX} characters of what it was given.
 */
public enum ParamType {
    LONG {
        @Override
        public Object parse(String text) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(quoted(text) + (isDigits(text) ? " is outside the long range" : " is not a whole number"));
            }
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isIntegralNumber() && value.canConvertToLong()) return value.longValue();
            if (value.isIntegralNumber()) throw new IllegalArgumentException("a whole number outside the long range");
            if (value.isTextual()) return parse(value.textValue());
            throw new IllegalArgumentException("expected a whole number, found " + value.getNodeType());
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            statement.setLong(index, (Long) value);
        }
    },
    INT {
        @Override
        public Object parse(String text) {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(quoted(text) + (isDigits(text) ? " is outside the int range" : " is not a whole number"));
            }
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isIntegralNumber() && value.canConvertToInt()) return value.intValue();
            if (value.isIntegralNumber()) throw new IllegalArgumentException("a whole number outside the int range");
            if (value.isTextual()) return parse(value.textValue());
            throw new IllegalArgumentException("expected an int, found " + value.getNodeType());
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            statement.setInt(index, (Integer) value);
        }
    },
    STRING {
        @Override
        public Object parse(String text) {
            return text;
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isValueNode() && !value.isNull()) return value.asText();
            throw new IllegalArgumentException("expected text, found " + value.getNodeType());
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            statement.setString(index, (String) value);
        }
    },
    /**
     * Text compared as PostgreSQL compares {@code char(n)}: trailing spaces do not count, so {@code 'AB'}
     * and {@code 'AB  '} find the same row. They are dropped, so that both are one key, the key a change
     * to the row (whose image is padded to {@code n}) invalidates.
     */
    CHAR {
        @Override
        public Object parse(String text) {
            return withoutTrailingSpaces(text);
        }

        @Override
        public Object fromJson(JsonNode value) {
            return withoutTrailingSpaces((String) STRING.fromJson(value));
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            statement.setString(index, (String) value);
        }
    },
    /**
     * A decimal, one key per number: PostgreSQL's {@code numeric} equality ignores trailing zeros
     * ({@code 1.5 = 1.50}), and a change's image carries the column's scale ({@code 1.50} in a
     * {@code numeric(12,2)}), so a view's parameter is held without them ({@link #canonical}). A write's
     * field keeps the scale it was sent with ({@link #asWritten}): {@code numeric} stores it.
     */
    DECIMAL {
        @Override
        public Object parse(String text) {
            return canonical(exactDecimal(text));
        }

        @Override
        public Object fromJson(JsonNode value) {
            return canonical((java.math.BigDecimal) asWritten(value));
        }

        @Override
        public Object asWritten(JsonNode value) {
            if (value.isNumber() && !value.isFloatingPointNumber() || value.isBigDecimal()) {
                return bounded(value.decimalValue());
            }
            if (value.isNumber() || value.isTextual()) {
                // A double (a mapper without USE_BIG_DECIMAL_FOR_FLOATS): its text is short and exact enough to re-read.
                return exactDecimal(value.asText());
            }
            throw new IllegalArgumentException("expected a decimal number, found " + value.getNodeType());
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            statement.setBigDecimal(index, (java.math.BigDecimal) value);
        }

        @Override
        public String render(Object value) {
            return ((java.math.BigDecimal) value).toPlainString();
        }
    },
    UUID {
        @Override
        public Object parse(String text) {
            try {
                return java.util.UUID.fromString(text.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(quoted(text) + " is not a UUID");
            }
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isTextual()) return parse(value.textValue());
            throw new IllegalArgumentException("expected a UUID string, found " + value.getNodeType());
        }

        @Override
        public void bind(PreparedStatement statement, int index, Object value) throws SQLException {
            statement.setObject(index, (java.util.UUID) value);
        }
    };

    /**
     * Digits a decimal may have before the point, and after it: far beyond any price or measure, far
     * below what would make its plain text ({@code toPlainString}, SQL {@code numeric}) costly.
     * PostgreSQL's own {@code numeric} limits are 131072 and 16383.
     */
    public static final int MAX_DECIMAL_DIGITS = 1000;
    /** How much of a refused value an error message quotes. */
    public static final int QUOTED_PREFIX = 64;

    /**
     * The decimal, if within {@link #MAX_DECIMAL_DIGITS} digits before and after the point. Looks
     * only at precision and scale, which are known without expanding the value: {@code 1e999999999}
     * is 1 digit with scale -999999999, and would be a billion characters of plain text.
     */
    public static java.math.BigDecimal bounded(java.math.BigDecimal value) {
        long scale = value.scale();
        long integerDigits = (long) value.precision() - scale;
        if (scale > MAX_DECIMAL_DIGITS || integerDigits > MAX_DECIMAL_DIGITS) {
            throw new IllegalArgumentException("a decimal number with " + Math.max(0, integerDigits) + " digits before the point and "
                    + Math.max(0, scale) + " after it: at most " + MAX_DECIMAL_DIGITS + " of each are accepted");
        }
        return value;
    }

    private static boolean isDigits(String text) {
        String trimmed = text.strip();
        int start = trimmed.startsWith("-") || trimmed.startsWith("+") ? 1 : 0;
        return trimmed.length() > start && trimmed.substring(start).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The text in single quotes, cut to {@link #QUOTED_PREFIX} characters: what a refusal may echo of its input. */
    public static String quoted(String text) {
        if (text.length() <= QUOTED_PREFIX) {
            return "'" + text + "'";
        }
        return "'" + text.substring(0, QUOTED_PREFIX) + "…' (" + text.length() + " characters)";
    }

    /** Parses request text; throws {@link IllegalArgumentException} with a reason fit for a 400 answer. */
    public abstract Object parse(String text);

    /** Reads the value from a change event's row image (Debezium JSON). */
    public abstract Object fromJson(JsonNode value);

    public abstract void bind(PreparedStatement statement, int index, Object value) throws SQLException;

    /** Binds SQL NULL of this type (for optional parameters of writes). */
    public void bindNull(PreparedStatement statement, int index) throws SQLException {
        statement.setNull(index, switch (this) {
            case LONG -> java.sql.Types.BIGINT;
            case INT -> java.sql.Types.INTEGER;
            case DECIMAL -> java.sql.Types.NUMERIC;
            case STRING, CHAR -> java.sql.Types.VARCHAR;
            case UUID -> java.sql.Types.OTHER;
        });
    }

    /**
     * A value of a write's JSON body, kept as sent where the type's key form would change what is stored
     * (a decimal's trailing zeros); for the other types what {@link #fromJson} reads.
     */
    public Object asWritten(JsonNode value) {
        return fromJson(value);
    }

    /** The decimal as written, scale and all, if within bounds. */
    private static java.math.BigDecimal exactDecimal(String text) {
        String trimmed = text.strip();
        // A decimal within bounds is at most this long in any notation; longer text is not parsed at all.
        if (trimmed.length() > 2 * MAX_DECIMAL_DIGITS + 16) {
            throw new IllegalArgumentException("a decimal number of " + trimmed.length() + " characters: at most "
                    + MAX_DECIMAL_DIGITS + " digits before and " + MAX_DECIMAL_DIGITS + " after the point are accepted");
        }
        try {
            return bounded(new java.math.BigDecimal(trimmed));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(quoted(text) + " is not a decimal number");
        }
    }

    /** One decimal per number: without trailing zeros, and never in exponent form ({@code 100}, not {@code 1E+2}). */
    static java.math.BigDecimal canonical(java.math.BigDecimal value) {
        java.math.BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** {@code char(n)}'s padding removed: only U+0020, as PostgreSQL pads and compares. */
    static String withoutTrailingSpaces(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    /** The canonical text of a value, as it appears in cache keys. */
    public String render(Object value) {
        return value.toString();
    }

    public static ParamType named(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "long", "bigint", "int8" -> LONG;
            case "int", "integer", "int4" -> INT;
            case "string", "text" -> STRING;
            case "char", "character", "bpchar" -> CHAR;
            case "decimal", "numeric" -> DECIMAL;
            case "uuid" -> UUID;
            default -> throw new IllegalArgumentException("unknown parameter type '" + name + "' (use long, int, decimal, string, char or uuid)");
        };
    }

    public boolean isNumeric() {
        return this == LONG || this == INT || this == DECIMAL;
    }

}
