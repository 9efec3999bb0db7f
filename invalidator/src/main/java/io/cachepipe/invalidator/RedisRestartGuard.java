package io.cachepipe.invalidator;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.CacheStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distrusts what a restarted Redis brought back. A Redis that restarts empty is harmless: nothing
 * is left to be stale. A Redis that restarts from a snapshot (RDB or AOF) brings back entries as
 * they were when the snapshot was taken, and the invalidations applied after it are gone with the
 * rest of the newer data: those entries may be stale and no change will come again to fix them.
 *
 * <p>So when the server's run id changes and the key space still holds entries, every view is
 * invalidated at the newest version this invalidator has applied: the restored values are all
 * older and are deleted (or re-warmed, per policy), and their tombstones refuse any late write
 * from before. Near caches are told to drop everything. The choice is to flush, not to re-validate
 * key by key: a restart is rare, and a flush is bounded by the registries, never a KEYS scan.
 *
 * <p>Until the guard's next check (every second), readers may see restored entries. On Redis
 * Cluster the guard is off (each node restarts on its own); see docs/operations.md.
 */
final class RedisRestartGuard {
    private static final Logger log = LoggerFactory.getLogger(RedisRestartGuard.class);

    private final CacheStore store;
    private final List<ViewDefinition> views;
    private final Supplier<Version> newestApplied;
    private final MeterRegistry metrics;
    private @Nullable String knownRunId;

    RedisRestartGuard(CacheStore store, Supplier<Version> newestApplied, MeterRegistry metrics) {
        this.store = store;
        this.views = store.keySpace().catalog().views();
        this.newestApplied = newestApplied;
        this.metrics = metrics;
    }

    /** One check; safe to call from a schedule. Returns what it did, for tests and logs. */
    Action check() {
        Optional<String> runId;
        try {
            runId = store.serverRunId().toCompletableFuture().join();
        } catch (RuntimeException e) {
            return Action.UNREACHABLE;
        }
        if (runId.isEmpty()) {
            return Action.NOT_APPLICABLE;
        }
        String previous = knownRunId;
        knownRunId = runId.get();
        if (previous == null || previous.equals(runId.get())) {
            return Action.UNCHANGED;
        }
        boolean restored = store.holdsEntries().toCompletableFuture().join();
        if (!restored) {
            log.info("Redis restarted empty (run id {} → {}): no entry to distrust", previous, runId.get());
            return count(Action.RESTARTED_EMPTY);
        }
        Version newest = newestApplied.get();
        for (ViewDefinition view : views) {
            store.invalidateView(view, newest).toCompletableFuture().join();
        }
        store.publishNearCacheInvalidation(List.of(), List.of(), true).toCompletableFuture().join();
        log.warn("Redis restarted with data (run id {} → {}): entries restored from a snapshot may predate invalidations "
                + "that were lost with it; invalidated every view at {} (flush, not re-validate)", previous, runId.get(), newest);
        return count(Action.FLUSHED);
    }

    /** What one check found. */
    enum Action { UNREACHABLE, NOT_APPLICABLE, UNCHANGED, RESTARTED_EMPTY, FLUSHED }

    private Action count(Action action) {
        metrics.counter(MetricNames.INVALIDATOR_REDIS_RESTARTS, "action", action.name().toLowerCase(java.util.Locale.ROOT))
                .increment();
        return action;
    }
}
