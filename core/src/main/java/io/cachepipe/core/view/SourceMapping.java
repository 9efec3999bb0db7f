package io.cachepipe.core.view;

import io.cachepipe.core.change.TableName;
import java.util.Map;

/**
 * How a changed row of one table maps to a view's parameters.
 *
 * @param bind view parameter name to row column name; parameters left out are free, which makes the
 *             mapping a pattern (every key with these bound values, whatever the free ones)
 */
public record SourceMapping(TableName table, Map<String, String> bind) {
    public SourceMapping {
        bind = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bind));
    }
}
