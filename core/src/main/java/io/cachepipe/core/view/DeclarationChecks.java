package io.cachepipe.core.view;

import io.cachepipe.core.config.Problems;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a views file that relate fields to one another: the key, the SQL and the route
 * against the declared parameters, the pattern sources against the key, and views against each other
 * (colliding keys, one route twice). Each finding is a problem naming where it is.
 */
final class DeclarationChecks {
    private final Problems problems;

    DeclarationChecks(Problems problems) {
        this.problems = problems;
    }

    /** The key template uses exactly the declared parameters: none undeclared, none left out. */
    void keyCoversParams(String where, KeyTemplate key, Map<String, ParamSpec> params) {
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

    /** The SQL uses exactly the declared parameters. */
    void sqlParams(String where, NamedSql sql, Map<String, ParamSpec> params) {
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

    /** The route is a path whose every {@code {placeholder}} is a declared parameter. */
    void route(String where, String route, Map<String, ParamSpec> params) {
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
     * How many leading key parameters form a group, or -1 for none (or when wrong, reported).
     * Every pattern source must bind the same parameters, and they must lead the key template: they
     * become the hash tag, so that one pattern's keys share a Redis Cluster slot with their index.
     */
    int groupSize(String where, KeyTemplate key, Map<String, ParamSpec> params, List<SourceMapping> sources) {
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

    /** No two views can produce the same key or declare the same route. */
    void acrossViews(String origin, List<ViewDefinition> views) {
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
}
