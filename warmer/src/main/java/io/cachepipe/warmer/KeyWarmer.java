package io.cachepipe.warmer;

import io.cachepipe.core.cache.CacheStore;
import io.cachepipe.core.db.ViewLoader;
import io.cachepipe.core.kafka.WarmRequest;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ParamSpec;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms one key: loads the view from PostgreSQL and writes it with the request's version. The
 * write is refused by Redis if a newer invalidation arrived during the load, which is what makes a
 * slow load harmless. A load slower than {@code maxLoad} is dropped before writing, because the
 * tombstones that would refuse it may have expired by then.
 */
final class KeyWarmer {
    private static final Logger log = LoggerFactory.getLogger(KeyWarmer.class);

    /** What became of one warm request. */
    enum Outcome { WRITTEN, REFUSED, DROPPED_SLOW, FAILED, INVALID }

    private final ViewCatalog catalog;
    private final CacheStore store;
    private final ViewLoader loader;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Duration maxLoad;
    private final Timer freshness;

    KeyWarmer(ViewCatalog catalog, CacheStore store, ViewLoader loader, MeterRegistry metrics, Clock clock, Duration maxLoad) {
        this.catalog = catalog;
        this.store = store;
        this.loader = loader;
        this.metrics = metrics;
        this.clock = clock;
        this.maxLoad = maxLoad;
        this.freshness = Timer.builder(MetricNames.FRESHNESS_WARMED).description("commit to re-warmed value in Redis").register(metrics);
    }

    Outcome warm(String redisKey, WarmRequest request) {
        ViewDefinition view = catalog.view(request.view()).orElse(null);
        if (view == null) {
            log.warn("Warm request for {} names unknown view {}: dropped (views changed since it was sent?)", redisKey, request.view());
            return count(request.view(), Outcome.INVALID);
        }
        CacheKey key;
        try {
            key = store.keySpace().key(view, typed(view, request.params()));
        } catch (IllegalArgumentException e) {
            log.warn("Warm request for {} has bad parameters {}: {}", redisKey, request.params(), e.getMessage());
            return count(view.name(), Outcome.INVALID);
        }
        long started = clock.millis();
        try {
            byte[] value = loader.load(view, key.params());
            if (clock.millis() - started > maxLoad.toMillis()) {
                log.warn("Load of {} took {} ms, longer than the tombstone guard of {} ms: not written", key,
                        clock.millis() - started, maxLoad.toMillis());
                return count(view.name(), Outcome.DROPPED_SLOW);
            }
            boolean written = store.write(key, request.version(), value).toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (written && request.commitTimeMs() > 0) {
                freshness.record(Duration.ofMillis(Math.max(0, clock.millis() - request.commitTimeMs())));
            }
            return count(view.name(), written ? Outcome.WRITTEN : Outcome.REFUSED);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Warming {} failed: {} (the key stays invalidated; the next read fills it)", key, e.getMessage());
            return count(view.name(), Outcome.FAILED);
        }
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

    private Outcome count(String view, Outcome outcome) {
        metrics.counter(MetricNames.WARMER_LOADS, "view", view, "result", outcome.name().toLowerCase(java.util.Locale.ROOT)).increment();
        return outcome;
    }
}
