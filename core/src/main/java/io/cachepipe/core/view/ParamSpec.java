package io.cachepipe.core.view;

import org.jspecify.annotations.Nullable;

/**
 * A declared view parameter.
 *
 * @param defaultValue used when a request leaves the parameter out; null makes it required
 * @param min          inclusive lower bound for numeric parameters
 * @param max          inclusive upper bound for numeric parameters
 */
public record ParamSpec(String name, ParamType type, @Nullable Object defaultValue, @Nullable Long min, @Nullable Long max) {

    /** Parses and checks request text; the exception message is fit for a 400 answer. */
    public Object parse(String text) {
        Object value = type.parse(text);
        check(value);
        return value;
    }

    /** Throws {@link IllegalArgumentException} when a value is outside the declared bounds. */
    public void check(Object value) {
        if (value instanceof Number number) {
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
