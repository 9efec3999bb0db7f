package io.cachepipe.core.view;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One declared cache view: what a key holds, how it is loaded and which changes affect it.
 *
 * @param params      declared parameters in declaration order; every one appears in the key template
 * @param sql         the loading query with {@code :name} parameters, always bound, never concatenated
 * @param ttl         life of a cached value; {@code ttlJitter} spreads expiry by up to this fraction
 * @param negativeTtl life of a cached "no such row" answer (row views only)
 * @param staleGrace  refresh mode: how long a superseded value may still be served while its re-warm runs
 * @param httpMaxAge  {@code Cache-Control: max-age} for HTTP caches in front of the API; zero sends
 *                    {@code no-cache}, so they revalidate with the ETag on every use (a positive value
 *                    trades freshness for offload: a change can take that long to reach a browser)
 * @param route       friendly HTTP route, e.g. {@code /products/{id}}; parameters not in the path come from the query
 * @param groupSize   how many leading template parameters the pattern sources bind (they form the
 *                    Redis hash tag, so a group of keys shares one slot); -1 when no source is a pattern
 * @param description what the view is for, in a sentence, as declared; null when none was (the OpenAPI
 *                    document shows it)
 */
public record ViewDefinition(
        String name,
        KeyTemplate key,
        Map<String, ParamSpec> params,
        String sql,
        ResultShape result,
        Duration ttl,
        double ttlJitter,
        Duration negativeTtl,
        ChangeMode onChange,
        Duration staleGrace,
        WarmPolicy warm,
        Duration httpMaxAge,
        @Nullable String route,
        List<SourceMapping> sources,
        int groupSize,
        @Nullable String description) {

    /** What a view's query result becomes in the cache. */
    public enum ResultShape {
        /** The first row as a JSON object; no row is a cached "not found". */
        ROW,
        /** All rows as a JSON array, possibly empty. */
        LIST
    }

    /** What a change does to a cached value. */
    public enum ChangeMode {
        /** Delete at once, then re-warm: readers miss (and fill) until the new value is in. */
        INVALIDATE,
        /** Keep serving the old value for up to {@code staleGrace} while the re-warmed one replaces it. */
        REFRESH
    }

    /** Which invalidated keys are reloaded by the warmer. */
    public enum WarmPolicy {
        /** Only keys that were cached (or had a re-warm pending) when the change arrived. */
        CACHED,
        /** Every affected exact key, cached or not. */
        ALWAYS,
        /** None: the next read fills. */
        NEVER,
        /**
         * Only keys whose cached value was served to a reader since the key last changed (or that had a
         * re-warm pending): a value nobody read is dropped and filled by its next reader, if any,
         * instead of being reloaded after every change. Fewer loads for views whose cached keys are
         * mostly cold; a key read less often than it changes misses instead (the trade-off, measured,
         * in docs/architecture.md).
         */
        READ
    }

    public ViewDefinition {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        sources = List.copyOf(sources);
    }

    /** True if this source binds fewer parameters than the key has, so a change hits a group of keys. */
    public boolean isPattern(SourceMapping source) {
        return source.bind().size() < params.size();
    }

    public boolean hasPatternSources() {
        return groupSize >= 0;
    }

    /**
     * Every field, as a record compares, but the same instance first: a catalog's views are compared
     * and hashed on every change (targets, batches keyed by view), and the generated comparison walks
     * the SQL, the parameters and the sources every time.
     */
    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof ViewDefinition view && name.equals(view.name) && key.equals(view.key)
                && params.equals(view.params) && sql.equals(view.sql) && result == view.result && ttl.equals(view.ttl)
                && Double.compare(ttlJitter, view.ttlJitter) == 0 && negativeTtl.equals(view.negativeTtl) && onChange == view.onChange
                && staleGrace.equals(view.staleGrace) && warm == view.warm && httpMaxAge.equals(view.httpMaxAge)
                && java.util.Objects.equals(route, view.route) && sources.equals(view.sources) && groupSize == view.groupSize
                && java.util.Objects.equals(description, view.description);
    }

    /** The name's hash: equal views have equal names, and a catalog's names are unique. */
    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /**
     * The declared parameter of that name. The key template, the SQL and the sources name only declared
     * parameters (the views file is checked for that), so asking for another is a bug.
     */
    public ParamSpec param(String name) {
        ParamSpec param = params.get(name);
        if (param == null) {
            throw new IllegalArgumentException("view " + this.name + " declares no parameter '" + name + "'");
        }
        return param;
    }

    /** The template parameters that form the group (hash tag) of a key, in template order. */
    public List<String> groupParams() {
        return groupSize < 0 ? List.of() : key.paramNames().subList(0, groupSize);
    }
}
