package io.cachepipe.warmer;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.EntryVersions;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms one key: loads the view from PostgreSQL with its own query and writes it with the request's
 * version, or with the newest invalidation Redis had applied to the key before the load if that is
 * newer; a key that already holds a current value is not loaded ({@link #versionsBeforeLoad}). The
 * batched path ({@link BatchWarmer}) falls back to this for the keys of a batch whose shared query
 * failed, so that one bad key costs only its own warm. Also the one place a warm request is resolved
 * to a cache key.
 */
final class KeyWarmer {
    private static final Logger log = LoggerFactory.getLogger(KeyWarmer.class);

    private final ViewCatalog catalog;
    private final CacheStore store;
    private final ViewLoader loader;
    private final WarmOutcomes outcomes;
    private final Clock clock;

    KeyWarmer(ViewCatalog catalog, CacheStore store, ViewLoader loader, WarmOutcomes outcomes, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.loader = loader;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** The cache key a request names, or empty (counted as invalid) when its view or parameters do not fit the catalog. */
    Optional<CacheKey> resolve(String redisKey, WarmRequest request) {
        ViewDefinition view = catalog.view(request.view()).orElse(null);
        if (view == null) {
            log.warn("Warm request for {} names unknown view {}: dropped (views changed since it was sent?)", redisKey, request.view());
            outcomes.count(request.view(), WarmOutcomes.Outcome.INVALID, 1);
            return Optional.empty();
        }
        try {
            return Optional.of(store.keySpace().key(view, typed(view, request.params())));
        } catch (IllegalArgumentException e) {
            log.warn("Warm request for {} has bad parameters {}: {}", redisKey, request.params(), e.getMessage());
            outcomes.count(view.name(), WarmOutcomes.Outcome.INVALID, 1);
            return Optional.empty();
        }
    }

    void warm(CacheKey key, WarmRequest request) {
        String view = key.view().name();
        long started = clock.millis();
        try {
            EntryVersions seen = versionsBeforeLoad(List.of(key)).getFirst();
            if (seen.holdsCurrent(request.version())) {
                outcomes.count(view, WarmOutcomes.Outcome.CURRENT, 1);
                return;
            }
            byte[] value = loader.load(key.view(), key.params());
            outcomes.countQuery(view);
            if (outcomes.tooSlow(started, key.toString())) {
                outcomes.count(view, WarmOutcomes.Outcome.DROPPED_SLOW, 1);
                return;
            }
            boolean written = store.write(key, seen.writeVersion(request.version()), value).toCompletableFuture().get(30, TimeUnit.SECONDS);
            outcomes.written(view, written, request);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Warming {} failed: {} (the key stays invalidated; the next read fills it)", key, e.getMessage());
            outcomes.count(view, WarmOutcomes.Outcome.FAILED, 1);
        }
    }

    /**
     * Each key's versions in Redis, read before its load begins (why: {@link CacheStore#versions}). When
     * Redis cannot say, no value and no invalidation: the key is loaded and written with its request's version.
     */
    List<EntryVersions> versionsBeforeLoad(List<CacheKey> keys) {
        try {
            return store.versions(keys).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown(keys);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Cannot read the versions of {} keys before loading them ({}); writing with the requests' versions",
                    keys.size(), e.getMessage());
            return unknown(keys);
        }
    }

    private static List<EntryVersions> unknown(List<CacheKey> keys) {
        return Collections.nCopies(keys.size(), new EntryVersions(null, Version.ZERO));
    }

    private static Map<String, Object> typed(ViewDefinition view, Map<String, Object> raw) {
        Map<String, Object> typed = new LinkedHashMap<>();
        for (ParamSpec param : view.params().values()) {
            Object value = raw.get(param.name());
            if (value == null) {
                throw new IllegalArgumentException("missing parameter " + param.name());
            }
            typed.put(param.name(), param.type().parse(value.toString()));
        }
        return typed;
    }
}
