package io.cachepipe.core.view;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A declared write endpoint: an HTTP route whose parameters (from the path and the JSON body) are
 * bound into one SQL statement. Writes go to PostgreSQL only; the change log updates the cache.
 *
 * @param method  POST, PUT, PATCH or DELETE
 * @param route   e.g. {@code /products/{id}}
 * @param sql     one statement with {@code :name} parameters, usually ending in {@code RETURNING}
 * @param description what the write does, in a sentence, as declared; null when none was
 */
public record WriteDefinition(String name, String method, String route, Map<String, ParamSpec> params, String sql,
                              @Nullable String description) {
    public WriteDefinition {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /** The declared parameter of that name; the SQL names only declared ones (the views file is checked for that). */
    public ParamSpec param(String name) {
        ParamSpec param = params.get(name);
        if (param == null) {
            throw new IllegalArgumentException("write " + this.name + " declares no parameter '" + name + "'");
        }
        return param;
    }
}
