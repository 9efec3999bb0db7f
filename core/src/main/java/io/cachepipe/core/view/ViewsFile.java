package io.cachepipe.core.view;

import io.cachepipe.core.change.TableName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.config.Problems;
import io.cachepipe.core.view.ViewDefinition.ChangeMode;
import io.cachepipe.core.view.ViewDefinition.ResultShape;
import io.cachepipe.core.view.ViewDefinition.WarmPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a views declaration (YAML) into a {@link ViewCatalog}, checking everything that can be
 * checked without a database and reporting every problem at once, each naming file, view and field.
 * {@link io.cachepipe.store.postgres.ViewSchemaCheck} then checks tables, columns and SQL against the database.
 */
public final class ViewsFile {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final double DEFAULT_TTL_JITTER = 0.10;
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_STALE_GRACE = Duration.ofSeconds(5);
    private static final Duration MAX_TTL = Duration.ofDays(30);
    private static final Set<String> VIEW_FIELDS = Set.of("key", "params", "sql", "result", "ttl", "ttl-jitter",
            "negative-ttl", "on-change", "stale-grace", "warm", "http-max-age", "route", "sources", "description");
    private static final Set<String> PARAM_FIELDS = Set.of("type", "min", "max", "default", "optional");
    private static final Set<String> WRITE_FIELDS = Set.of("route", "params", "sql", "description");
    private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> SOURCE_FIELDS = Set.of("table", "bind");

    private final String origin;
    private final Problems problems = new Problems();

    private ViewsFile(String origin) {
        this.origin = origin;
    }

    /** Loads {@code path}, or the classpath resource named after a {@code classpath:} prefix. */
    public static ViewCatalog load(String location) {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            try (InputStream in = ViewsFile.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ConfigException("views.file = '" + location + "': no such classpath resource");
                }
                return parse(location, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ConfigException("views.file = '" + location + "' cannot be read: " + e.getMessage());
            }
        }
        try {
            return parse(location, Files.readString(Path.of(location)));
        } catch (IOException e) {
            throw new ConfigException("views.file = '" + location + "' cannot be read: " + e);
        }
    }

    /** Parses declaration text; {@code origin} names it in messages. */
    public static ViewCatalog parse(String origin, String yaml) {
        return new ViewsFile(origin).read(yaml);
    }

    private ViewCatalog read(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
        JsonNode views = root == null ? null : root.get("views");
        if (views == null || !views.isObject() || views.isEmpty()) {
            throw new ConfigException(origin + ": expected a top-level 'views' map with at least one view");
        }
        List<ViewDefinition> definitions = new ArrayList<>();
        views.properties().forEach(entry -> {
            ViewDefinition view = view(entry.getKey(), entry.getValue());
            if (view != null) {
                definitions.add(view);
            }
        });
        List<WriteDefinition> writes = new ArrayList<>();
        JsonNode writesNode = root.get("writes");
        if (writesNode != null && !writesNode.isObject()) {
            problems.add(origin + ": 'writes' must be a map of write name to {route, params, sql}");
        } else if (writesNode != null) {
            writesNode.properties().forEach(entry -> {
                WriteDefinition write = write(entry.getKey(), entry.getValue());
                if (write != null) {
                    writes.add(write);
                }
            });
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("views") && !name.equals("writes")) {
                problems.add(origin + ": unknown top-level field '" + name + "' (known: views, writes)");
            }
        });
        checkAcrossViews(definitions);
        problems.throwIfAny();
        return new ViewCatalog(definitions, writes, origin);
    }

    private @Nullable WriteDefinition write(String name, JsonNode node) {
        String where = origin + ": write '" + name + "'";
        int before = problems.size();
        if (!node.isObject()) {
            problems.add(where + ": expected a map with route, params and sql");
            return null;
        }
        unknownFields(where, node, WRITE_FIELDS);
        String route = field(where, node, "route", true, text -> text, null);
        Map<String, ParamSpec> params = params(where, node.get("params"), true);
        String sql = field(where, node, "sql", true, text -> text, null);
        String method = null;
        String path = null;
        if (route != null) {
            String[] parts = route.strip().split("\\s+");
            if (parts.length != 2 || !WRITE_METHODS.contains(parts[0].toUpperCase(Locale.ROOT))) {
                problems.add(where + ": route '" + route + "' must be a method and a path, e.g. 'POST /products' (methods: "
                        + String.join(", ", sorted(WRITE_METHODS)) + ")");
            } else {
                method = parts[0].toUpperCase(Locale.ROOT);
                path = parts[1];
                checkRoute(where, path, params);
            }
        }
        if (sql != null) {
            checkSqlParams(where, NamedSql.parse(sql), params);
        }
        if (problems.size() > before || method == null || path == null || sql == null) {
            return null;
        }
        return new WriteDefinition(name, method, path, params, sql);
    }

    private @Nullable ViewDefinition view(String name, JsonNode node) {
        String where = origin + ": view '" + name + "'";
        int before = problems.size();
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            problems.add(where + ": name must be lowercase letters, digits, '_' or '-', starting with a letter");
        }
        if (!node.isObject()) {
            problems.add(where + ": expected a map of fields (" + String.join(", ", sorted(VIEW_FIELDS)) + ")");
            return null;
        }
        unknownFields(where, node, VIEW_FIELDS);

        KeyTemplate key = field(where, node, "key", true, KeyTemplate::parse, null);
        Map<String, ParamSpec> params = params(where, node.get("params"), false);
        String sql = field(where, node, "sql", true, text -> text, null);
        ResultShape result = field(where, node, "result", false, text -> named(ResultShape.class, text), ResultShape.ROW);
        Duration ttl = field(where, node, "ttl", false, ViewsFile::ttl, DEFAULT_TTL);
        Double jitter = field(where, node, "ttl-jitter", false, ViewsFile::fraction, DEFAULT_TTL_JITTER);
        Duration negativeTtl = field(where, node, "negative-ttl", false, ViewsFile::ttl, DEFAULT_NEGATIVE_TTL);
        ChangeMode onChange = field(where, node, "on-change", false, text -> named(ChangeMode.class, text), ChangeMode.INVALIDATE);
        Duration staleGrace = field(where, node, "stale-grace", false, ViewsFile::ttl, DEFAULT_STALE_GRACE);
        WarmPolicy warm = field(where, node, "warm", false, text -> named(WarmPolicy.class, text), WarmPolicy.CACHED);
        Duration httpMaxAge = field(where, node, "http-max-age", false, ViewsFile::maxAge, Duration.ZERO);
        String route = field(where, node, "route", false, text -> text, null);
        List<SourceMapping> sources = sources(where, node.get("sources"), params);

        if (key != null) {
            checkKeyCoversParams(where, key, params);
        }
        if (sql != null) {
            checkSqlParams(where, NamedSql.parse(sql), params);
        }
        if (route != null) {
            checkRoute(where, route, params);
        }
        int groupSize = key == null ? -1 : groupSize(where, key, params, sources);
        if (problems.size() > before || key == null || sql == null) {
            return null;
        }
        return new ViewDefinition(name, key, params, sql, result, ttl, jitter, negativeTtl, onChange, staleGrace, warm,
                httpMaxAge, route, sources, groupSize);
    }

    private Map<String, ParamSpec> params(String where, @Nullable JsonNode node, boolean allowOptional) {
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
                unknownFields(at, spec, PARAM_FIELDS);
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
            unknownFields(at, source, SOURCE_FIELDS);
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
                        bind.put(entry.getKey(), entry.getValue().textValue().strip().toLowerCase(Locale.ROOT));
                    }
                });
            }
            sources.add(new SourceMapping(table, bind));
        }
        return sources;
    }

    private void checkKeyCoversParams(String where, KeyTemplate key, Map<String, ParamSpec> params) {
        for (String name : key.paramNames()) {
            if (!params.containsKey(name)) {
                problems.add(where + ": key '" + key + "' uses {" + name + "}, which params does not declare");
            }
        }
        for (String name : params.keySet()) {
            if (!key.paramNames().contains(name)) {
                problems.add(where + ": parameter '" + name + "' is not in key '" + key
                        + "': two requests differing only in it would share one cache entry");
            }
        }
    }

    private void checkSqlParams(String where, NamedSql sql, Map<String, ParamSpec> params) {
        for (String name : sql.names()) {
            if (!params.containsKey(name)) {
                problems.add(where + ": sql uses :" + name + ", which is not a declared parameter (declared: " + params.keySet() + ")");
            }
        }
        for (String name : params.keySet()) {
            if (!sql.names().contains(name)) {
                problems.add(where + ": parameter '" + name + "' is not used by sql: every key would hold the same value");
            }
        }
    }

    private void checkRoute(String where, String route, Map<String, ParamSpec> params) {
        if (!route.startsWith("/")) {
            problems.add(where + ": route '" + route + "' must start with '/'");
            return;
        }
        var matcher = java.util.regex.Pattern.compile("\\{([^}]*)}").matcher(route);
        while (matcher.find()) {
            if (!params.containsKey(matcher.group(1))) {
                problems.add(where + ": route '" + route + "' uses {" + matcher.group(1) + "}, which is not a declared parameter");
            }
        }
    }

    /**
     * Every pattern source must bind the same parameters, and they must lead the key template: they
     * become the hash tag, so that one pattern's keys share a Redis Cluster slot with their index.
     */
    private int groupSize(String where, KeyTemplate key, Map<String, ParamSpec> params, List<SourceMapping> sources) {
        Set<String> group = null;
        for (SourceMapping source : sources) {
            if (source.bind().size() >= params.size()) {
                continue;
            }
            Set<String> bound = new LinkedHashSet<>(source.bind().keySet());
            if (group == null) {
                group = bound;
            } else if (!group.equals(bound)) {
                problems.add(where + ": pattern sources bind different parameters (" + group + " and " + bound
                        + " from " + source.table() + "); a view's pattern sources must bind the same ones");
                return -1;
            }
        }
        if (group == null) {
            return -1;
        }
        List<String> leading = key.paramNames().subList(0, Math.min(group.size(), key.paramNames().size()));
        if (!new LinkedHashSet<>(leading).equals(group)) {
            problems.add(where + ": parameters bound by pattern sources " + group + " must come first in key '" + key
                    + "' (they form the Redis hash tag of the group)");
            return -1;
        }
        return group.size();
    }

    private void checkAcrossViews(List<ViewDefinition> views) {
        for (int i = 0; i < views.size(); i++) {
            for (int j = i + 1; j < views.size(); j++) {
                ViewDefinition a = views.get(i);
                ViewDefinition b = views.get(j);
                if (a.key().mayCollideWith(b.key())) {
                    problems.add(origin + ": views '" + a.name() + "' and '" + b.name() + "' have key templates that can produce"
                            + " the same key ('" + a.key() + "', '" + b.key() + "'): make a literal segment differ");
                }
                if (a.route() != null && a.route().equals(b.route())) {
                    problems.add(origin + ": views '" + a.name() + "' and '" + b.name() + "' declare the same route " + a.route());
                }
            }
        }
    }

    private <T extends @Nullable Object> T field(String where, JsonNode node, String field, boolean required, Function<String, T> parser,
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

    private void unknownFields(String where, JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(where + ": unknown field '" + name + "' (known: " + String.join(", ", sorted(known)) + ")");
            }
        });
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static Duration ttl(String text) {
        Duration value = Parsers.parseDuration(text);
        if (value.isZero() || value.isNegative() || value.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("expected a duration above 0 and at most 30d");
        }
        return value;
    }

    private static Duration maxAge(String text) {
        Duration value = Parsers.parseDuration(text);
        if (value.isNegative() || value.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("expected a duration from 0s to 1d");
        }
        return value;
    }

    private static double fraction(String text) {
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

    private static <E extends Enum<E>> E named(Class<E> type, String text) {
        return Parsers.oneOf(type).parse(text);
    }
}
