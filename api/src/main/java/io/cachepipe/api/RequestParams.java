package io.cachepipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ParamType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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

    /** Parameters from path and query text; unknown query parameters are refused. */
    Map<String, Object> fromText(Map<String, ParamSpec> specs, Function<String, @Nullable String> lookup, Set<String> given) {
        List<String> problems = new ArrayList<>();
        for (String name : given) {
            if (!specs.containsKey(name)) {
                problems.add("unknown parameter " + ParamType.quoted(name) + " (expected: " + String.join(", ", specs.keySet()) + ")");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamSpec spec : specs.values()) {
            String text = lookup.apply(spec.name());
            try {
                Object value = text == null ? spec.defaultValue() : spec.parse(text);
                if (value == null) {
                    problems.add("parameter '" + spec.name() + "' is required");
                } else {
                    values.put(spec.name(), checkLength(value));
                }
            } catch (IllegalArgumentException e) {
                problems.add("parameter '" + spec.name() + "': " + e.getMessage());
            }
        }
        return checked(values, problems);
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
                    values.put(spec.name(), checkLength(value));
                } else if (!spec.optional()) {
                    problems.add("field '" + spec.name() + "' is required");
                }
            } catch (IllegalArgumentException e) {
                problems.add("field '" + spec.name() + "': " + e.getMessage());
            }
        }
        return checked(values, problems);
    }

    /** A body value held to its declared JSON type; the conversion itself is the type's own. */
    private static Object typed(ParamType type, JsonNode node) {
        boolean fits = switch (type) {
            case STRING, UUID -> node.isTextual();
            case LONG, INT -> node.isIntegralNumber();
            case DECIMAL -> node.isNumber() || node.isTextual();
        };
        if (!fits) {
            throw new IllegalArgumentException("expected " + expected(type) + ", found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return type.fromJson(node);
    }

    private static String expected(ParamType type) {
        return switch (type) {
            case STRING -> "a string";
            case UUID -> "a UUID string";
            case LONG, INT -> "a whole number";
            case DECIMAL -> "a decimal number";
        };
    }

    private Object checkLength(Object value) {
        if (value instanceof String text && text.length() > maxStringLength
                && text.codePointCount(0, text.length()) > maxStringLength) {
            throw new IllegalArgumentException("longer than " + maxStringLength + " characters (" + text.codePointCount(0, text.length())
                    + "; the limit is api.max-string-length)");
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
