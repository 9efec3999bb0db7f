package io.cachepipe.core.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.config.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code params} map of a view or a write: each parameter a type name, or a map with its
 * type and optional {@code min}, {@code max}, {@code default} and (writes only) {@code optional}.
 */
final class ParamsReader {
    private static final Set<String> PARAM_FIELDS = Set.of("type", "min", "max", "default", "optional");

    private final Problems problems;
    private final FieldReader fields;

    ParamsReader(Problems problems, FieldReader fields) {
        this.problems = problems;
        this.fields = fields;
    }

    /** The declared parameters, in declaration order; a wrong one is left out and reported. */
    Map<String, ParamSpec> params(String where, @Nullable JsonNode node, boolean allowOptional) {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        if (node == null) {
            return params;
        }
        if (!node.isObject()) {
            problems.add(where + ": params: expected a map of name to type, e.g. {id: long}");
            return params;
        }
        node.properties().forEach(entry -> {
            String name = entry.getKey();
            String at = where + ": params." + name;
            JsonNode spec = entry.getValue();
            try {
                if (spec.isTextual()) {
                    params.put(name, new ParamSpec(name, ParamType.named(spec.textValue()), null, null, null));
                    return;
                }
                if (!spec.isObject() || spec.get("type") == null) {
                    problems.add(at + ": expected a type name or a map with 'type' (and optional min, max, default)");
                    return;
                }
                fields.unknownFields(at, spec, PARAM_FIELDS);
                ParamType type = ParamType.named(spec.get("type").asText());
                Long min = bound(at, spec, "min", type);
                Long max = bound(at, spec, "max", type);
                Object defaultValue = spec.has("default") ? type.fromJson(spec.get("default")) : null;
                boolean optional = spec.path("optional").asBoolean(false);
                if (optional && !allowOptional) {
                    problems.add(at + ": optional applies to writes only; a view needs every parameter for its key");
                }
                var param = new ParamSpec(name, type, defaultValue, min, max, optional);
                if (defaultValue != null) {
                    param.check(defaultValue);
                }
                if (min != null && max != null && min > max) {
                    problems.add(at + ": min " + min + " is greater than max " + max);
                }
                params.put(name, param);
            } catch (IllegalArgumentException e) {
                problems.add(at + ": " + e.getMessage());
            }
        });
        return params;
    }

    private @Nullable Long bound(String at, JsonNode spec, String field, ParamType type) {
        JsonNode value = spec.get(field);
        if (value == null) {
            return null;
        }
        if (!type.isNumeric() || !value.isIntegralNumber()) {
            problems.add(at + ": " + field + " applies to long and int parameters and must be a whole number");
            return null;
        }
        return value.longValue();
    }
}
