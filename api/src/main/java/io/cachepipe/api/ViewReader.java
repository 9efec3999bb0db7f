package io.cachepipe.api;

import io.cachepipe.api.admin.CacheSummary;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.postgres.ViewLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.store.redis.RedisFailures;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read path. Redis first; on a miss the reader takes the key's lease and fills it from
 * PostgreSQL, and an invalidation landing in between voids the lease so the fill's write is
 * refused (the stale-set race of Facebook's memcache). One fill per key at a time: concurrent
 * readers in this process share one read, readers in other processes see the lease and wait
 * briefly, then read PostgreSQL without writing. When Redis fails the circuit breaker opens and
 * every read goes straight to PostgreSQL until a probe succeeds.
 */
final class ViewReader {
    private static final Logger log = LoggerFactory.getLogger(ViewReader.class);
    private static final Duration POLL = Duration.ofMillis(5);
    /** How long after Redis last refused a write for want of memory the summary still calls it full. */
    private static final Duration FULL_FOR = Duration.ofSeconds(30);

    /** A read's answer: {@code body} empty means "no such row" for row views. */
    record Answer(byte[] body, CacheStatistics.Outcome outcome, @Nullable Version version) {
        boolean found() {
            return body.length > 0;
        }
    }

    private final CacheStore store;
    private final ViewLoader loader;
    private final boolean enabled;
    private final Duration busyWait;
    private final Duration redisTimeout;
    private final CircuitBreaker breaker;
    private final MeterRegistry metrics;
    private final @Nullable NearCache nearCache;
    private final @Nullable ReadYourWrites readYourWrites;
    private final Map<String, CompletableFuture<Answer>> inFlight = new ConcurrentHashMap<>();
    private final FreshFlight<Answer> freshFallbacks = new FreshFlight<>();
    /** When Redis last refused a write for want of memory ({@link System#nanoTime()}), 0 if never. */
    private final AtomicLong outOfMemoryAt = new AtomicLong();

    ViewReader(CacheStore store, ViewLoader loader, boolean enabled, Duration busyWait, Duration redisTimeout,
               CircuitBreaker breaker, @Nullable NearCache nearCache, @Nullable ReadYourWrites readYourWrites,
               MeterRegistry metrics) {
        this.nearCache = nearCache;
        this.readYourWrites = readYourWrites;
        this.store = store;
        this.loader = loader;
        this.enabled = enabled;
        this.busyWait = busyWait;
        this.redisTimeout = redisTimeout;
        this.breaker = breaker;
        this.metrics = metrics;
    }

    Answer read(ViewDefinition view, Map<String, Object> params) throws SQLException {
        return read(view, params, null);
    }

    /**
     * @param after a WAL position the answer must be at least as new as (a write's, for
     *              read-your-writes); null when any current answer will do
     */
    Answer read(ViewDefinition view, Map<String, Object> params, @Nullable Version after) throws SQLException {
        if (!enabled) {
            return fallback(view, params, "disabled");
        }
        if (after != null) {
            return readAfter(view, params, after);
        }
        CacheKey key = store.keySpace().key(view, params);
        NearCache.Entry near = nearCache == null ? null : nearCache.get(key);
        if (near != null) {
            return new Answer(near.body(), CacheStatistics.Outcome.NEAR, near.version());
        }
        var mine = new CompletableFuture<Answer>();
        CompletableFuture<Answer> leader = inFlight.putIfAbsent(key.redisKey(), mine);
        if (leader != null) {
            return follow(leader, view, params);
        }
        try {
            Answer answer = readThrough(key);
            mine.complete(answer);
            return answer;
        } catch (SQLException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key.redisKey(), mine);
        }
    }

    /**
     * Only a cache state that has applied {@code after} may answer: not the near cache (its messages
     * may still be on their way), not another reader's read that began earlier, not a stale value.
     * Falling back to PostgreSQL, such reads of one key still share one load: one that began after they arrived.
     */
    private Answer readAfter(ViewDefinition view, Map<String, Object> params, Version after) throws SQLException {
        CacheKey key = store.keySpace().key(view, params);
        if (readYourWrites == null || !breaker.allows() || !readYourWrites.caughtUpTo(after)) {
            return freshFallback(key);
        }
        Answer answer = readThrough(key);
        return answer.outcome() == CacheStatistics.Outcome.STALE ? freshFallback(key) : answer;
    }

    private Answer freshFallback(CacheKey key) throws SQLException {
        try {
            return freshFallbacks.load(key.redisKey(), () -> fallback(key.view(), key.params(), "read-your-writes"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + key.redisKey(), e);
        }
    }

    boolean redisAvailable() {
        return !breaker.isOpen();
    }

    CacheSummary.RedisState redisState() {
        if (breaker.isOpen()) {
            return CacheSummary.RedisState.UNREACHABLE;
        }
        long at = outOfMemoryAt.get();
        return at != 0 && System.nanoTime() - at < FULL_FOR.toNanos() ? CacheSummary.RedisState.FULL : CacheSummary.RedisState.AVAILABLE;
    }

    private Answer follow(CompletableFuture<Answer> leader, ViewDefinition view, Map<String, Object> params) throws SQLException {
        try {
            Answer shared = leader.get(busyWait.plus(redisTimeout).toMillis() + 5_000, TimeUnit.MILLISECONDS);
            var outcome = switch (shared.outcome()) {
                case NEAR, HIT, STALE -> shared.outcome();
                case MISS, COALESCED, FALLBACK -> CacheStatistics.Outcome.COALESCED;
            };
            return new Answer(shared.body(), outcome, shared.version());
        } catch (ExecutionException | TimeoutException e) {
            return fallback(view, params, "shared-read-failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback(view, params, "interrupted");
        }
    }

    private Answer readThrough(CacheKey key) throws SQLException {
        ViewDefinition view = key.view();
        long deadline = System.nanoTime() + busyWait.toNanos();
        while (true) {
            if (!breaker.allows()) {
                return fallback(view, key.params(), "redis-unavailable");
            }
            NearCache.Ticket ticket = nearCache == null ? null : nearCache.beforeRead();
            ReadResult result = redis(store.read(key).toCompletableFuture());
            if (result == null) {
                return fallback(view, key.params(), redisState() == CacheSummary.RedisState.FULL ? "redis-full" : "redis-unavailable");
            }
            switch (result) {
                case ReadResult.Hit hit -> {
                    if (nearCache != null && ticket != null) {
                        nearCache.put(key, new NearCache.Entry(hit.value(), hit.version()), ticket);
                    }
                    return new Answer(hit.value(), CacheStatistics.Outcome.HIT, hit.version());
                }
                case ReadResult.Stale stale -> {
                    return new Answer(stale.value(), CacheStatistics.Outcome.STALE, stale.version());
                }
                case ReadResult.Leased lease -> {
                    byte[] value = loader.load(view, key.params());
                    Boolean written = redis(store.fill(key, lease, value).toCompletableFuture());
                    metrics.counter(MetricNames.CACHE_FILLS, "view", view.name(),
                            "result", Boolean.TRUE.equals(written) ? "written" : "refused").increment();
                    return new Answer(value, CacheStatistics.Outcome.MISS, lease.fillVersion());
                }
                case ReadResult.Busy busy -> {
                    if (System.nanoTime() > deadline) {
                        return fallback(view, key.params(), "busy");
                    }
                    pause();
                }
            }
        }
    }

    /**
     * Waits for one Redis call; null when it failed: a breaker failure when Redis does not answer in time
     * or errs, none when it refused a write for want of memory. A Redis at its maxmemory still serves
     * cached values, and the reads that need a write (a miss's lease, a read mark) go to PostgreSQL.
     */
    private <T> @Nullable T redis(CompletableFuture<T> call) {
        try {
            T value = call.get(redisTimeout.toMillis(), TimeUnit.MILLISECONDS);
            breaker.success();
            return value;
        } catch (ExecutionException | TimeoutException e) {
            if (RedisFailures.outOfMemory(e)) {
                long previous = outOfMemoryAt.getAndSet(System.nanoTime());
                if (previous == 0 || System.nanoTime() - previous > FULL_FOR.toNanos()) {
                    log.warn("Redis is out of memory ({}): misses are served from PostgreSQL without filling the cache until it has room",
                            RedisFailures.rootMessage(e));
                }
                return null;
            }
            breaker.failure();
            log.debug("Redis call failed: {}", e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Answer fallback(ViewDefinition view, Map<String, Object> params, String reason) throws SQLException {
        metrics.counter(MetricNames.CACHE_FALLBACKS, "reason", reason).increment();
        return new Answer(loader.load(view, params), CacheStatistics.Outcome.FALLBACK, null);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
