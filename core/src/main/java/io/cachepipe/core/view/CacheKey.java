package io.cachepipe.core.view;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One cache entry's names in Redis.
 *
 * @param redisKey   the entry (a hash: value, version, tombstone, lease)
 * @param group      the group the key belongs to when its view has pattern sources; same hash tag as the key
 */
public record CacheKey(ViewDefinition view, Map<String, Object> params, String redisKey, @Nullable KeyGroup group) {
    public CacheKey {
        params = Map.copyOf(params);
    }

    @Override
    public String toString() {
        return redisKey;
    }
}
