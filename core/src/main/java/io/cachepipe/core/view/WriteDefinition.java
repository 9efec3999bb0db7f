package io.cachepipe.core.view;

import java.util.Map;

/**
 * A declared write endpoint: an HTTP route whose parameters (from the path and the JSON body) are
 * bound into one SQL statement. Writes go to PostgreSQL only; the change log updates the cache.
 *
 * @param method  POST, PUT, PATCH or DELETE
 * @param route   e.g. {@code /products/{id}}
 * @param sql     one statement with {@code :name} parameters, usually ending in {@code RETURNING}
 */
public record WriteDefinition(String name, String method, String route, Map<String, ParamSpec> params, String sql) {
    public WriteDefinition {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
