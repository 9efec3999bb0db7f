package io.cachepipe.core.planted;

import io.cachepipe.store.redis.CacheStore;

/** Planted for {@code RulesBiteTest}: core reaching up into store. */
public final class CoreAboveStore {
    int door(CacheStore store) {
        return store.hashCode();
    }
}
