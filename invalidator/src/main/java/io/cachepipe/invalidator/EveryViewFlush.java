package io.cachepipe.invalidator;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.CacheStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Drops every cached value of every view, found through the registries (never a KEYS scan), and tells
 * near caches to drop everything: what the invalidator does when it cannot know which entries are stale
 * (Redis restored older data: {@link RedisRestartGuard}; the replication slot lost changes:
 * {@link SlotLossFlush}). Each value's tombstone is raised to that value's own version, and to
 * {@code newest}, the newest change this process applied: no write loaded before the flush can land,
 * while every transaction that commits later has a higher version and still invalidates what a read
 * fills in meanwhile.
 */
final class EveryViewFlush {
    /** Flushes sent to Redis at once. */
    private static final int IN_FLIGHT = 1000;

    private final CacheStore store;
    private final List<ViewDefinition> views;

    EveryViewFlush(CacheStore store) {
        this.store = store;
        this.views = store.keySpace().catalog().views();
    }

    /** Answers how many values were dropped. */
    long flush(Version newest) {
        return flush(views, newest);
    }

    /** Drops every cached value of these views alone, as {@link #flush(Version)} does all; answers how many. */
    long flush(List<ViewDefinition> views, Version newest) {
        long dropped = 0;
        for (ViewDefinition view : views) {
            List<CacheKey> keys = join(store.cachedKeys(view));
            List<CompletableFuture<Boolean>> inFlight = new ArrayList<>(Math.min(keys.size(), IN_FLIGHT));
            for (CacheKey key : keys) {
                inFlight.add(store.flush(key.redisKey()).toCompletableFuture());
                if (inFlight.size() == IN_FLIGHT) {
                    dropped += done(inFlight);
                }
            }
            dropped += done(inFlight);
            if (newest.isAfter(Version.ZERO)) {
                join(store.invalidateView(view, newest));
            }
        }
        join(store.publishNearCacheInvalidation(List.of(), List.of(), true));
        return dropped;
    }

    int views() {
        return views.size();
    }

    private static long done(List<CompletableFuture<Boolean>> inFlight) {
        long dropped = inFlight.stream().filter(CompletableFuture::join).count();
        inFlight.clear();
        return dropped;
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
