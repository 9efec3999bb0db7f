package io.cachepipe.core.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/** The type of a view parameter: how it is parsed from a request, read from a row image and bound to SQL. */
public enum ParamType {
    LONG {
        @Override
        public Object parse(String text) {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isIntegralNumber()) return value.longValue();
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
                throw new IllegalArgumentException("'" + text + "' is not a whole number in the int range");
            }
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isIntegralNumber() && value.canConvertToInt()) return value.intValue();
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
    DECIMAL {
        @Override
        public Object parse(String text) {
            try {
                return new java.math.BigDecimal(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a decimal number");
            }
        }

        @Override
        public Object fromJson(JsonNode value) {
            if (value.isNumber()) return value.decimalValue();
            if (value.isTextual()) return parse(value.textValue());
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
                throw new IllegalArgumentException("'" + text + "' is not a UUID");
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
            case STRING -> java.sql.Types.VARCHAR;
            case UUID -> java.sql.Types.OTHER;
        });
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
            case "decimal", "numeric" -> DECIMAL;
            case "uuid" -> UUID;
            default -> throw new IllegalArgumentException("unknown parameter type '" + name + "' (use long, int, decimal, string or uuid)");
        };
    }

    public boolean isNumeric() {
        return this == LONG || this == INT || this == DECIMAL;
    }

}
