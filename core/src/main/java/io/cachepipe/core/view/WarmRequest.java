package io.cachepipe.core.view;

import io.cachepipe.core.change.Version;
import java.util.Map;

/**
 * A request to reload one cache key, the value of a {@code <prefix>.warm} record keyed by the Redis key.
 *
 * @param version      version of the change that caused it; the warmer's write is guarded by it
 * @param commitTimeMs commit time of that change, for the commit-to-re-warmed freshness metric
 */
public record WarmRequest(String view, Map<String, Object> params, Version version, long commitTimeMs) {
    public WarmRequest {
        params = Map.copyOf(params);
    }

    /** Of two requests for the same key, the one a warm must satisfy: the newer. */
    public WarmRequest newer(WarmRequest other) {
        return other.version.isAfter(version) ? other : this;
    }
}
