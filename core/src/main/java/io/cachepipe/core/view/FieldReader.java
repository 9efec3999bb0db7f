package io.cachepipe.core.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Problems;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads single fields of one map in a views file: required or defaulted, a single value, parsed by
 * the field's own syntax (durations, fractions, enum names). Whatever is wrong becomes a problem that
 * names where it is ({@code where}: file, view or write, field); reading goes on, so that every
 * problem of a file is reported at once.
 */
final class FieldReader {
    private static final Duration MAX_TTL = Duration.ofDays(30);

    private final Problems problems;

    FieldReader(Problems problems) {
        this.problems = problems;
    }

    /** The parsed value of {@code field}, or {@code defaultValue} when it is absent or wrong (a problem then says why). */
    <T extends @Nullable Object> T field(String where, JsonNode node, String field, boolean required, Function<String, T> parser,
                                         T defaultValue) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(where + ": '" + field + "' is required");
            }
            return defaultValue;
        }
        if (!value.isValueNode()) {
            problems.add(where + ": " + field + ": expected a single value");
            return defaultValue;
        }
        try {
            return parser.apply(value.asText());
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + field + " = '" + value.asText() + "': " + e.getMessage());
            return defaultValue;
        }
    }

    /** A problem for every field of {@code node} not in {@code known}, listing the known ones. */
    void unknownFields(String where, JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(where + ": unknown field '" + name + "' (known: " + String.join(", ", sorted(known)) + ")");
            }
        });
    }

    static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    /** A TTL: above zero and at most 30 days. */
    static Duration ttl(String text) {
        Duration value = Parsers.parseDuration(text);
        if (value.isZero() || value.isNegative() || value.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("expected a duration above 0 and at most 30d");
        }
        return value;
    }

    /** An HTTP max-age: from zero to one day. */
    static Duration maxAge(String text) {
        Duration value = Parsers.parseDuration(text);
        if (value.isNegative() || value.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("expected a duration from 0s to 1d");
        }
        return value;
    }

    /** A fraction from 0 to 0.5, written as a number or a percentage. */
    static double fraction(String text) {
        String trimmed = text.strip();
        try {
            double value = trimmed.endsWith("%")
                    ? Double.parseDouble(trimmed.substring(0, trimmed.length() - 1)) / 100
                    : Double.parseDouble(trimmed);
            if (value < 0 || value > 0.5) {
                throw new IllegalArgumentException("expected a fraction from 0% to 50%");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a percentage such as 10%");
        }
    }

    static <E extends Enum<E>> E named(Class<E> type, String text) {
        return Parsers.oneOf(type).parse(text);
    }
}
