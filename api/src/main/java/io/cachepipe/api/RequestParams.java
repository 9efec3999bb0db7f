package io.cachepipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ParamType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns request text (path, query string, JSON body) into typed parameters of a view or write,
 * checking every declared bound. All problems of one request are reported together in one 400.
 *
 * <p>A JSON body is held to its declared types: a string parameter takes a JSON string only, a
 * whole number a JSON integer in its type's range, a UUID a string, a decimal a number (or a string
 * holding one, for clients that keep money as text). No string, from a body, path or query, may be
 * longer than {@code maxStringLength} characters.
 */
final class RequestParams {
    private final int maxStringLength;

    RequestParams(int maxStringLength) {
        this.maxStringLength = maxStringLength;
    }

    /**
     * Parameters from path and query text. Refused: an unknown query parameter, one given twice
     * ({@code ?page=1&page=2} has no one meaning), and a query parameter that is the path's own.
     */
    Map<String, Object> fromText(Map<String, ParamSpec> specs, Map<String, String> path, Map<String, List<String>> query) {
        List<String> problems = new ArrayList<>();
        query.forEach((name, values) -> {
            if (!specs.containsKey(name)) {
                problems.add("unknown parameter " + ParamType.quoted(name) + " (expected: " + String.join(", ", specs.keySet()) + ")");
            } else if (path.containsKey(name)) {
                problems.add("parameter '" + name + "' is part of the path, not a query parameter");
            } else if (values.size() > 1) {
                problems.add("parameter '" + name + "' given " + values.size() + " times");
            }
        });
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamSpec spec : specs.values()) {
            String text = path.containsKey(spec.name()) ? path.get(spec.name()) : first(query.get(spec.name()));
            try {
                Object value = text == null ? spec.defaultValue() : spec.parse(text);
                if (value == null) {
                    problems.add("parameter '" + spec.name() + "' is required");
                } else {
                    values.put(spec.name(), checkText(value));
                }
            } catch (IllegalArgumentException e) {
                problems.add("parameter '" + spec.name() + "': " + e.getMessage());
            }
        }
        return checked(values, problems);
    }

    private static @Nullable String first(@Nullable List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /**
     * Parameters of a write: path parameters from {@code path}, the rest from the JSON body. Optional
     * parameters left out are absent from the map (bound as SQL NULL).
     */
    Map<String, Object> fromBody(Map<String, ParamSpec> specs, Map<String, String> path, @Nullable JsonNode body) {
        List<String> problems = new ArrayList<>();
        if (body != null && !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        if (body != null) {
            body.fieldNames().forEachRemaining(name -> {
                if (!specs.containsKey(name) || path.containsKey(name)) {
                    problems.add("unknown field " + ParamType.quoted(name) + " (expected: " + specs.keySet().stream()
                            .filter(known -> !path.containsKey(known)).toList() + ")");
                }
            });
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamSpec spec : specs.values()) {
            try {
                Object value;
                if (path.containsKey(spec.name())) {
                    value = spec.parse(path.get(spec.name()));
                } else {
                    JsonNode node = body == null ? null : body.get(spec.name());
                    value = node == null || node.isNull() ? spec.defaultValue() : typed(spec.type(), node);
                    if (value != null) {
                        spec.check(value);
                    }
                }
                if (value != null) {
                    values.put(spec.name(), checkText(value));
                } else if (!spec.optional()) {
                    problems.add("field '" + spec.name() + "' is required");
                }
            } catch (IllegalArgumentException e) {
                problems.add("field '" + spec.name() + "': " + e.getMessage());
            }
        }
        return checked(values, problems);
    }

    /** A body value held to its declared JSON type, read as written (a decimal keeps its scale); the conversion is the type's own. */
    private static Object typed(ParamType type, JsonNode node) {
        boolean fits = switch (type) {
            case STRING, CHAR, UUID -> node.isTextual();
            case LONG, INT -> node.isIntegralNumber();
            case DECIMAL -> node.isNumber() || node.isTextual();
        };
        if (!fits) {
            throw new IllegalArgumentException("expected " + expected(type) + ", found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return type.asWritten(node);
    }

    private static String expected(ParamType type) {
        return switch (type) {
            case STRING, CHAR -> "a string";
            case UUID -> "a UUID string";
            case LONG, INT -> "a whole number";
            case DECIMAL -> "a decimal number";
        };
    }

    /**
     * A string the database can store as it was sent: at most {@code maxStringLength} characters, Unicode
     * text (JSON's {@code "\\ud800"} escape decodes to half a character, which the driver would send as
     * {@code ?}: the row would hold something the client never wrote), and no U+0000, which PostgreSQL's
     * text types cannot hold.
     */
    private Object checkText(Object value) {
        if (!(value instanceof String text)) {
            return value;
        }
        if (text.length() > maxStringLength && text.codePointCount(0, text.length()) > maxStringLength) {
            throw new IllegalArgumentException("longer than " + maxStringLength + " characters (" + text.codePointCount(0, text.length())
                    + "; the limit is api.max-string-length)");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("holds the character U+0000 (character " + (text.codePointCount(0, i) + 1)
                        + "), which PostgreSQL text cannot store");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "is not Unicode text: half a character "
                        + "(an unpaired surrogate, \\u%04x) as character %d", (int) c, text.codePointCount(0, i) + 1));
            }
        }
        return value;
    }

    /** At most this many problems are listed; a body of a million unknown fields gets a short answer. */
    static final int MAX_PROBLEMS = 20;

    private static Map<String, Object> checked(Map<String, Object> values, List<String> problems) {
        if (problems.size() > MAX_PROBLEMS) {
            int more = problems.size() - MAX_PROBLEMS;
            problems = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
            problems.add("and " + more + " more");
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(String.join("; ", problems));
        }
        return values;
    }
}
