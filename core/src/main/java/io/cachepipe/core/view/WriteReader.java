package io.cachepipe.core.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.config.Problems;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one entry of a views file's {@code writes} map into a {@link WriteDefinition}: a route
 * ({@code METHOD /path}), its parameters and the SQL they feed, checked against each other.
 */
final class WriteReader {
    private static final Set<String> WRITE_FIELDS = Set.of("route", "params", "sql", "description");
    private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final String origin;
    private final Problems problems;
    private final FieldReader fields;
    private final ParamsReader paramsReader;
    private final DeclarationChecks checks;

    WriteReader(String origin, Problems problems, FieldReader fields, ParamsReader paramsReader, DeclarationChecks checks) {
        this.origin = origin;
        this.problems = problems;
        this.fields = fields;
        this.paramsReader = paramsReader;
        this.checks = checks;
    }

    /** The write, or null when anything about it is wrong (every problem is reported). */
    @Nullable WriteDefinition write(String name, JsonNode node) {
        String where = origin + ": write '" + name + "'";
        int before = problems.size();
        if (!node.isObject()) {
            problems.add(where + ": expected a map with route, params and sql");
            return null;
        }
        fields.unknownFields(where, node, WRITE_FIELDS);
        String route = fields.field(where, node, "route", true, text -> text, null);
        Map<String, ParamSpec> params = paramsReader.params(where, node.get("params"), true);
        String sql = fields.field(where, node, "sql", true, text -> text, null);
        String description = fields.field(where, node, "description", false, String::strip, null);
        String method = null;
        String path = null;
        if (route != null) {
            String[] parts = route.strip().split("\\s+");
            if (parts.length != 2 || !WRITE_METHODS.contains(parts[0].toUpperCase(Locale.ROOT))) {
                problems.add(where + ": route '" + route + "' must be a method and a path, e.g. 'POST /products' (methods: "
                        + String.join(", ", FieldReader.sorted(WRITE_METHODS)) + ")");
            } else {
                method = parts[0].toUpperCase(Locale.ROOT);
                path = parts[1];
                checks.route(where, path, params);
            }
        }
        if (sql != null) {
            checks.sqlParams(where, NamedSql.parse(sql), params);
        }
        if (problems.size() > before || method == null || path == null || sql == null) {
            return null;
        }
        return new WriteDefinition(name, method, path, params, sql, description);
    }
}
