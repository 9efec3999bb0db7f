package io.cachepipe.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of every panel target of a Grafana dashboard file, with Grafana's variables replaced
 * the way Grafana would before sending it: {@code $__rate_interval} and {@code $__interval} by a
 * duration, each template variable of the dashboard by {@code .*} (its "All").
 */
final class DashboardQueries {
    /** One target of one panel, ready for Prometheus. */
    record Query(String panel, String refId, String expression) {
        String describe() {
            return "panel \"" + panel + "\" target " + refId + ": " + expression;
        }
    }

    /** {@code $name}, {@code ${name}} and {@code ${name:format}}, as Grafana writes variables. */
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{(\\w+)(?::\\w+)?}|(\\w+))");

    private DashboardQueries() {
    }

    static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every target of every panel, rows' nested panels included, with {@code rateInterval} for Grafana's intervals. */
    static List<Query> of(JsonNode dashboard, String rateInterval) {
        Map<String, String> values = new HashMap<>(Map.of("__rate_interval", rateInterval, "__interval", rateInterval,
                "__range", "5m"));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (!variable.path("type").asText().equals("datasource")) {
                values.put(variable.path("name").asText(), ".*");
            }
        });
        List<Query> queries = new ArrayList<>();
        collect(dashboard.path("panels"), values, queries);
        return queries;
    }

    /** The panels that are rows, by title, in order. */
    static List<String> rows(JsonNode dashboard) {
        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
            }
        });
        return rows;
    }

    private static void collect(JsonNode panels, Map<String, String> values, List<Query> queries) {
        for (JsonNode panel : panels) {
            collect(panel.path("panels"), values, queries);
            for (JsonNode target : panel.path("targets")) {
                String title = panel.path("title").asText();
                queries.add(new Query(title, target.path("refId").asText(), substitute(target.path("expr").asText(), values, title)));
            }
        }
    }

    static String substitute(String expression, Map<String, String> values, String panel) {
        Matcher matcher = VARIABLE.matcher(expression);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            if (name.matches("\\d+")) {
                matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group())); // label_replace's $1
                continue;
            }
            String value = values.get(name);
            if (value == null) {
                throw new AssertionError("panel \"" + panel + "\" uses $" + name + ", which the dashboard does not define: "
                        + expression);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
