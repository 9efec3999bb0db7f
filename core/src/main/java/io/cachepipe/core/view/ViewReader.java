package io.cachepipe.core.view;

import static io.cachepipe.core.view.FieldReader.named;
import static io.cachepipe.core.view.FieldReader.sorted;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachepipe.core.change.SqlIdentifier;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.Problems;
import io.cachepipe.core.view.ViewDefinition.ChangeMode;
import io.cachepipe.core.view.ViewDefinition.ResultShape;
import io.cachepipe.core.view.ViewDefinition.WarmPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one entry of a views file's {@code views} map into a {@link ViewDefinition}: its fields, with
 * their defaults ({@link ViewsFile#DEFAULT_TTL} and the others), its parameters and its sources, each
 * checked against the others ({@link DeclarationChecks}).
 */
final class ViewReader {
    private static final Set<String> VIEW_FIELDS = Set.of("key", "params", "sql", "result", "ttl", "ttl-jitter",
            "negative-ttl", "on-change", "stale-grace", "warm", "http-max-age", "route", "sources", "description");
    private static final Set<String> SOURCE_FIELDS = Set.of("table", "bind");

    private final String origin;
    private final Problems problems;
    private final FieldReader fields;
    private final ParamsReader paramsReader;
    private final DeclarationChecks checks;

    ViewReader(String origin, Problems problems, FieldReader fields, ParamsReader paramsReader, DeclarationChecks checks) {
        this.origin = origin;
        this.problems = problems;
        this.fields = fields;
        this.paramsReader = paramsReader;
        this.checks = checks;
    }

    /** The view, or null when anything about it is wrong (every problem is reported). */
    @Nullable ViewDefinition view(String name, JsonNode node) {
        String where = origin + ": view '" + name + "'";
        int before = problems.size();
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            problems.add(where + ": name must be lowercase letters, digits, '_' or '-', starting with a letter");
        }
        if (!node.isObject()) {
            problems.add(where + ": expected a map of fields (" + String.join(", ", sorted(VIEW_FIELDS)) + ")");
            return null;
        }
        fields.unknownFields(where, node, VIEW_FIELDS);

        KeyTemplate key = fields.field(where, node, "key", true, KeyTemplate::parse, null);
        Map<String, ParamSpec> params = paramsReader.params(where, node.get("params"), false);
        String sql = fields.field(where, node, "sql", true, text -> text, null);
        ResultShape result = fields.field(where, node, "result", false, text -> named(ResultShape.class, text), ResultShape.ROW);
        Duration ttl = fields.field(where, node, "ttl", false, FieldReader::ttl, ViewsFile.DEFAULT_TTL);
        Double jitter = fields.field(where, node, "ttl-jitter", false, FieldReader::fraction, ViewsFile.DEFAULT_TTL_JITTER);
        Duration negativeTtl = fields.field(where, node, "negative-ttl", false, FieldReader::ttl, ViewsFile.DEFAULT_NEGATIVE_TTL);
        ChangeMode onChange = fields.field(where, node, "on-change", false, text -> named(ChangeMode.class, text), ChangeMode.INVALIDATE);
        Duration staleGrace = fields.field(where, node, "stale-grace", false, FieldReader::ttl, ViewsFile.DEFAULT_STALE_GRACE);
        WarmPolicy warm = fields.field(where, node, "warm", false, text -> named(WarmPolicy.class, text), WarmPolicy.CACHED);
        Duration httpMaxAge = fields.field(where, node, "http-max-age", false, FieldReader::maxAge, Duration.ZERO);
        String route = fields.field(where, node, "route", false, text -> text, null);
        String description = fields.field(where, node, "description", false, String::strip, null);
        List<SourceMapping> sources = sources(where, node.get("sources"), params);

        if (key != null) {
            checks.keyCoversParams(where, key, params);
        }
        if (sql != null) {
            checks.sqlParams(where, NamedSql.parse(sql), params);
        }
        if (route != null) {
            checks.route(where, route, params);
        }
        int groupSize = key == null ? -1 : checks.groupSize(where, key, params, sources);
        if (problems.size() > before || key == null || sql == null) {
            return null;
        }
        return new ViewDefinition(name, key, params, sql, result, ttl, jitter, negativeTtl, onChange, staleGrace, warm,
                httpMaxAge, route, sources, groupSize, description);
    }

    /** The tables whose changes reach the view, each with the view parameters its columns bind. */
    private List<SourceMapping> sources(String where, @Nullable JsonNode node, Map<String, ParamSpec> params) {
        List<SourceMapping> sources = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty()) {
            problems.add(where + ": sources: expected a list of {table, bind}; a view without sources would never"
                    + " see a change and serve stale values until its TTL");
            return sources;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode source = node.get(i);
            String at = where + ": sources[" + i + "]";
            if (!source.isObject() || source.get("table") == null) {
                problems.add(at + ": expected a map with 'table' and 'bind'");
                continue;
            }
            fields.unknownFields(at, source, SOURCE_FIELDS);
            TableName table;
            try {
                table = TableName.parse(source.get("table").asText());
            } catch (IllegalArgumentException e) {
                problems.add(at + ": table: " + e.getMessage());
                continue;
            }
            Map<String, String> bind = new LinkedHashMap<>();
            JsonNode bindNode = source.get("bind");
            if (bindNode != null && !bindNode.isObject()) {
                problems.add(at + ": bind: expected a map of view parameter to column, e.g. {id: id}");
                continue;
            }
            if (bindNode != null) {
                bindNode.properties().forEach(entry -> {
                    if (!params.containsKey(entry.getKey())) {
                        problems.add(at + ": bind: '" + entry.getKey() + "' is not a declared parameter of the view (declared: "
                                + params.keySet() + ")");
                    } else if (!entry.getValue().isTextual() || entry.getValue().textValue().isBlank()) {
                        problems.add(at + ": bind." + entry.getKey() + ": expected a column name of " + table);
                    } else {
                        try {
                            bind.put(entry.getKey(), SqlIdentifier.parse(entry.getValue().textValue()));
                        } catch (IllegalArgumentException e) {
                            problems.add(at + ": bind." + entry.getKey() + ": " + e.getMessage());
                        }
                    }
                });
            }
            sources.add(new SourceMapping(table, bind));
        }
        return sources;
    }
}
