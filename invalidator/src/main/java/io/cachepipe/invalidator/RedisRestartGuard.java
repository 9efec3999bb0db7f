package io.cachepipe.invalidator;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.DataOrigin;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distrusts data Redis did not come by through its own writes. A Redis that restarts empty is
 * harmless: nothing is left to be stale. A Redis that restarts from a snapshot (RDB or AOF), or a
 * replica promoted in its place, brings back entries as they were when the file was written (or as
 * far as replication got), and the invalidations applied after that are gone with the rest of the
 * newer data: those entries may be stale and no change will come again to fix them.
 *
 * <p>Redis tells which server the data was last checked under: {@link DataOrigin} holds that
 * server's run id. Every check, the first one after this process starts included (so a restore while
 * no invalidator ran is caught too), compares it with the run id of the server answering now. The
 * same: nothing to do. Another run id, or none while the registries name entries: every cached value
 * of every view is dropped ({@link CacheStore#flush}), found through the registries, never a KEYS
 * scan. Then the current run id is recorded. Two invalidators may both flush; a flush is idempotent.
 * A record gone while the server this guard watched kept running (a {@code FLUSHALL}, a wipe, an
 * eviction) is only written again: loading older data takes a new server process, or another
 * server's data, which names that server.
 *
 * <p>A value's tombstone is raised to that value's own version, so no write older than what was
 * restored can land, while every transaction that commits after the flush has a higher version and
 * still invalidates what a read fills in meanwhile (a fill takes the tombstone's version). The
 * tombstones are also raised to the newest version this process applied (none right after it
 * started), which refuses late writes loaded before that change. A version not taken from a change,
 * such as PostgreSQL's current WAL position, would not be safe: a read filling the key after the flush
 * would be stamped with it, and the transaction committing right after the flush can carry a version
 * at or below it (the end of the commit before it), so its invalidation would be ignored.
 *
 * <p>Until the guard's next check (every second), readers may see restored entries. On Redis Cluster
 * the guard is off (each node restarts on its own and has its own run id); see docs/operations.md.
 */
final class RedisRestartGuard {
    private static final Logger log = LoggerFactory.getLogger(RedisRestartGuard.class);

    private final CacheStore store;
    private final DataOrigin origin;
    private final EveryViewFlush flush;
    private final Supplier<Version> newestApplied;
    private final MeterRegistry metrics;
    private boolean failing;
    /** The run id this guard last found on record or recorded itself: the server whose writes it has watched. */
    private @Nullable String watched;

    RedisRestartGuard(CacheStore store, Supplier<Version> newestApplied, MeterRegistry metrics) {
        this.store = store;
        this.origin = new DataOrigin(store);
        this.flush = new EveryViewFlush(store);
        this.newestApplied = newestApplied;
        this.metrics = metrics;
    }

    /** One check; safe to call from a schedule (it never throws). Returns what it did, for tests and logs. */
    synchronized Action check() {
        try {
            Action action = checkOnce();
            if (failing) {
                log.info("Redis restart check works again");
                failing = false;
            }
            return action;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Redis restart check failed, tried again every second: {}", e.getMessage());
                failing = true;
            }
            return Action.UNREACHABLE;
        }
    }

    private Action checkOnce() {
        Optional<String> runId = join(store.serverRunId());
        if (runId.isEmpty()) {
            return Action.NOT_APPLICABLE;
        }
        String server = runId.get();
        Optional<String> recorded = join(origin.recorded());
        if (recorded.isPresent() && recorded.get().equals(server)) {
            watched = server;
            return Action.UNCHANGED;
        }
        String namespace = store.keySpace().namespace();
        if (recorded.isEmpty() && server.equals(watched)) {
            // The record went while the server this guard watched kept running: a FLUSHALL, a wipe, an eviction. Loading
            // older data takes a new server process (a restart) or another server's data, which carries its run id.
            join(origin.record(server));
            log.info("The record of Redis server {} in namespace '{}' went while that server ran (a flush or an eviction, "
                    + "not a restore): recorded again, nothing dropped", server, namespace);
            return Action.RECORDED_AGAIN;
        }
        String before = recorded.map(id -> "server " + id).orElse("no server on record");
        if (!join(store.holdsEntries())) {
            join(origin.record(server));
            watched = server;
            log.info("Redis server {} holds no entry of namespace '{}' (last checked under {}): nothing to distrust", server,
                    namespace, before);
            return count(Action.EMPTY);
        }
        long started = System.nanoTime();
        Version newest = newestApplied.get();
        long dropped = flush.flush(newest);
        join(origin.record(server));
        watched = server;
        log.warn("Redis server {} holds entries of namespace '{}' last checked under {}. Restored from a snapshot (RDB or AOF), "
                + "taken over by a promoted replica, or written before this check existed, they may predate invalidations lost "
                + "with newer data: dropped every cached value ({} dropped over {} views, each tombstone at its value's version{}) "
                + "and told near caches to drop everything, in {} ms. Reads refill from PostgreSQL", server, namespace, before,
                dropped, flush.views(), newest.isAfter(Version.ZERO) ? " or at " + newest + ", the newest applied here" : "",
                (System.nanoTime() - started) / 1_000_000);
        return count(Action.FLUSHED);
    }

    /** What one check found. */
    enum Action {
        /** Redis did not answer (or failed half-way): checked again in a second. */
        UNREACHABLE,
        /** Redis Cluster: no one run id. */
        NOT_APPLICABLE,
        /** The data was checked under the server answering now. */
        UNCHANGED,
        /** The record went while the server this guard watched ran (a flush, an eviction): recorded again, not counted. */
        RECORDED_AGAIN,
        /** A server not on record, but no entry to distrust (a fresh namespace, or Redis came back empty): recorded. */
        EMPTY,
        /** A server not on record, and entries: every value dropped, then recorded. */
        FLUSHED
    }

    private Action count(Action action) {
        metrics.counter(MetricNames.INVALIDATOR_REDIS_RESTARTS, "action", action.name().toLowerCase(Locale.ROOT)).increment();
        return action;
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
