package io.cachepipe.core.view;

import org.jspecify.annotations.Nullable;

/**
 * A declared view parameter.
 *
 * @param defaultValue used when a request leaves the parameter out; null makes it required
 * @param min          inclusive lower bound for numeric parameters
 * @param max          inclusive upper bound for numeric parameters
 * @param optional     writes only: when absent, SQL NULL is bound (views need every parameter for their key)
 */
public record ParamSpec(String name, ParamType type, @Nullable Object defaultValue, @Nullable Long min, @Nullable Long max,
                        boolean optional) {

    public ParamSpec(String name, ParamType type, @Nullable Object defaultValue, @Nullable Long min, @Nullable Long max) {
        this(name, type, defaultValue, min, max, false);
    }

    /** Parses and checks request text; the exception message is fit for a 400 answer. */
    public Object parse(String text) {
        Object value = type.parse(text);
        check(value);
        return value;
    }

    /** Throws {@link IllegalArgumentException} when a value is outside the declared bounds. */
    public void check(Object value) {
        if (value instanceof Number number && (min != null || max != null)) {
            if (number instanceof java.math.BigDecimal decimal) {
                if (min != null && decimal.compareTo(java.math.BigDecimal.valueOf(min)) < 0) {
                    throw new IllegalArgumentException(name + " must be at least " + min + ", was " + decimal.toPlainString());
                }
                if (max != null && decimal.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
                    throw new IllegalArgumentException(name + " must be at most " + max + ", was " + decimal.toPlainString());
                }
                return;
            }
            long n = number.longValue();
            if (min != null && n < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + n);
            }
            if (max != null && n > max) {
                throw new IllegalArgumentException(name + " must be at most " + max + ", was " + n);
            }
        }
    }
}
