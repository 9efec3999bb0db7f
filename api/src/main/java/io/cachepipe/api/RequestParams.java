package io.cachepipe.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.view.ParamSpec;
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
 */
final class RequestParams {
    private RequestParams() {
    }

    /** Parameters from path and query text; unknown query parameters are refused. */
    static Map<String, Object> fromText(Map<String, ParamSpec> specs, Function<String, @Nullable String> lookup,
                                        Set<String> given) {
        List<String> problems = new ArrayList<>();
        for (String name : given) {
            if (!specs.containsKey(name)) {
                problems.add("unknown parameter '" + name + "' (expected: " + String.join(", ", specs.keySet()) + ")");
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
                    values.put(spec.name(), value);
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
    static Map<String, Object> fromBody(Map<String, ParamSpec> specs, Map<String, String> path, @Nullable JsonNode body) {
        List<String> problems = new ArrayList<>();
        if (body != null && !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        if (body != null) {
            body.fieldNames().forEachRemaining(name -> {
                if (!specs.containsKey(name) || path.containsKey(name)) {
                    problems.add("unknown field '" + name + "' (expected: " + specs.keySet().stream()
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
                    value = node == null || node.isNull() ? spec.defaultValue() : spec.type().fromJson(node);
                    if (value != null) {
                        spec.check(value);
                    }
                }
                if (value != null) {
                    values.put(spec.name(), value);
                } else if (!spec.optional()) {
                    problems.add("field '" + spec.name() + "' is required");
                }
            } catch (IllegalArgumentException e) {
                problems.add("field '" + spec.name() + "': " + e.getMessage());
            }
        }
        return checked(values, problems);
    }

    private static Map<String, Object> checked(Map<String, Object> values, List<String> problems) {
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(String.join("; ", problems));
        }
        return values;
    }
}
