package io.cachepipe.invalidator;

import io.cachepipe.core.cache.CacheStore;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies invalidations to Redis through {@link CacheStore}'s versioned scripts, all targets of a
 * change in parallel. While Redis is unreachable it retries for {@code retryFor}, then throws: the
 * stream thread is replaced and resumes from the last committed offset, so the change is applied
 * later rather than lost.
 */
final class RedisInvalidation implements Invalidation {
    private static final Logger log = LoggerFactory.getLogger(RedisInvalidation.class);
    private static final Duration PAUSE = Duration.ofMillis(200);

    private final CacheStore store;
    private final RowImages rowImages;
    private final Duration retryFor;
    private final Timer rewritten;
    private final Clock clock;

    private final AtomicReference<Version> newest = new AtomicReference<>(Version.ZERO);

    /**
     * @param metrics where a key written from a row image counts as re-warmed ({@link MetricNames#FRESHNESS_WARMED}):
     *                its new value is in Redis, as a warmer's would be, only sooner
     */
    RedisInvalidation(CacheStore store, RowImages rowImages, Duration retryFor, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.rowImages = rowImages;
        this.retryFor = retryFor;
        this.rewritten = Timer.builder(MetricNames.FRESHNESS_WARMED).description("commit to re-warmed value in Redis").register(metrics);
        this.clock = clock;
    }

    @Override
    public List<CacheKey> apply(ChangeEvent event, List<CacheTarget> targets) {
        newest.accumulateAndGet(event.version(), Version::max);
        long deadline = System.nanoTime() + retryFor.toNanos();
        while (true) {
            try {
                return applyOnce(event, targets);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot apply invalidations of " + event.table() + " at " + event.version()
                            + " to Redis for " + retryFor.toSeconds() + " s: " + e.getMessage(), e);
                }
                log.warn("Redis unavailable while invalidating {} at {}: {}; retrying", event.table(), event.version(), e.getMessage());
                pause();
            }
        }
    }

    @Override
    public void applied(String topic, int partition, Version watermark, int fanout) {
        newest.accumulateAndGet(watermark, Version::max);
        long deadline = System.nanoTime() + retryFor.toNanos();
        while (true) {
            try {
                await(store.markApplied(topic, partition, watermark, fanout).toCompletableFuture());
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot record watermark " + watermark + " of " + topic + "-" + partition, e);
                }
                pause();
            }
        }
    }

    private List<CacheKey> applyOnce(ChangeEvent event, List<CacheTarget> targets) {
        Version version = event.version();
        List<CompletableFuture<List<CacheKey>>> parts = new ArrayList<>(targets.size());
        for (CacheTarget target : targets) {
            parts.add(switch (target) {
                case CacheTarget.Key key -> {
                    CacheKey cacheKey = store.keySpace().key(key.view(), key.params());
                    byte[] newValue = rowImages.newValue(event, key);
                    var applied = newValue != null
                            ? store.replace(cacheKey, version, newValue).whenComplete((result, failure) -> {
                                if (result != null && result.applied()) {
                                    recordRewritten(event);
                                }
                            })
                            : store.invalidate(cacheKey, version, key.warm());
                    yield applied.thenApply(result -> result.warm() ? List.of(cacheKey) : List.<CacheKey>of()).toCompletableFuture();
                }
                case CacheTarget.Group group ->
                        store.invalidateGroup(group.view(), store.keySpace().group(group.view(), group.bound()), version).toCompletableFuture();
                case CacheTarget.WholeView whole -> store.invalidateView(whole.view(), version).toCompletableFuture();
            });
        }
        List<CacheKey> toWarm = new ArrayList<>();
        for (CompletableFuture<List<CacheKey>> part : parts) {
            toWarm.addAll(await(part));
        }
        await(publishToNearCaches(targets).toCompletableFuture());
        return toWarm;
    }

    private void recordRewritten(ChangeEvent event) {
        if (event.commitTimeMs() > 0 && event.op() != ChangeOp.SNAPSHOT_READ) {
            rewritten.record(Duration.ofMillis(Math.max(0, clock.millis() - event.commitTimeMs())));
        }
    }

    /** The newest change or watermark this process has applied (or is applying). */
    Version newest() {
        return newest.get();
    }

    /**
     * Every target, whether or not this run changed anything in Redis: after a crash between the
     * invalidation and this message, the replayed change finds nothing left to invalidate, yet an
     * API's near cache may still hold the old value.
     */
    private CompletionStage<Long> publishToNearCaches(List<CacheTarget> targets) {
        List<String> keys = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        boolean everything = false;
        for (CacheTarget target : targets) {
            switch (target) {
                case CacheTarget.Key key -> keys.add(store.keySpace().key(key.view(), key.params()).redisKey());
                case CacheTarget.Group group -> groups.add(store.keySpace().group(group.view(), group.bound()).indexKey());
                case CacheTarget.WholeView whole -> everything = true;
            }
        }
        return store.publishNearCacheInvalidation(keys, groups, everything);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invalidating", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }
}
