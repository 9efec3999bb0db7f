package io.cachepipe.warmer;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.EntryVersions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a poll's worth of keys with as few database queries and Redis round trips as possible: per
 * view, up to {@code keysPerQuery} keys are loaded by one query ({@link BatchLoader}, rendered exactly
 * as a single load would be) and written by one {@link CacheBatch}, each key version-guarded by its
 * own request's version or the newest invalidation Redis had applied to it before the load, whichever
 * is newer; keys that already hold a current value are not loaded ({@link KeyWarmer#versionsBeforeLoad}).
 * The chunks run in parallel on the loader threads. A chunk whose query fails is warmed key by key
 * ({@link KeyWarmer}), so that one bad key costs only its own warm.
 */
final class BatchWarmer {
    private static final Logger log = LoggerFactory.getLogger(BatchWarmer.class);

    /** One resolved request. */
    record Job(CacheKey key, WarmRequest request) {
    }

    private final CacheStore store;
    private final BatchLoader loader;
    private final KeyWarmer single;
    private final WarmOutcomes outcomes;
    private final Clock clock;
    private final int keysPerQuery;

    BatchWarmer(CacheStore store, BatchLoader loader, KeyWarmer single, WarmOutcomes outcomes, Clock clock, int keysPerQuery) {
        this.store = store;
        this.loader = loader;
        this.single = single;
        this.outcomes = outcomes;
        this.clock = clock;
        this.keysPerQuery = keysPerQuery;
    }

    /** Warms every request (one per key), returning when all are written, refused or counted as failed. */
    void warm(Map<String, WarmRequest> requests, ExecutorService loaders) {
        Map<ViewDefinition, List<Job>> byView = new LinkedHashMap<>();
        requests.forEach((redisKey, request) -> single.resolve(redisKey, request)
                .ifPresent(key -> byView.computeIfAbsent(key.view(), view -> new ArrayList<>()).add(new Job(key, request))));
        List<CompletableFuture<Void>> chunks = new ArrayList<>();
        byView.forEach((view, jobs) -> {
            for (int from = 0; from < jobs.size(); from += keysPerQuery) {
                List<Job> chunk = jobs.subList(from, Math.min(jobs.size(), from + keysPerQuery));
                chunks.add(CompletableFuture.runAsync(() -> warmChunk(view, chunk), loaders));
            }
        });
        CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).join();
    }

    private void warmChunk(ViewDefinition view, List<Job> chunk) {
        if (chunk.size() == 1) {
            single.warm(chunk.getFirst().key(), chunk.getFirst().request());
            return;
        }
        long started = clock.millis();
        List<EntryVersions> found = single.versionsBeforeLoad(chunk.stream().map(Job::key).toList());
        List<Job> jobs = new ArrayList<>(chunk.size());
        List<EntryVersions> seen = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            if (!found.get(i).holdsCurrent(chunk.get(i).request().version())) {
                jobs.add(chunk.get(i));
                seen.add(found.get(i));
            }
        }
        outcomes.count(view.name(), WarmOutcomes.Outcome.CURRENT, chunk.size() - jobs.size());
        if (jobs.isEmpty()) {
            return;
        }
        List<byte[]> values;
        try {
            values = loader.load(view, jobs.stream().map(job -> job.key().params()).toList());
            outcomes.countQuery(view.name());
        } catch (Exception e) {
            log.warn("Batched load of {} keys of {} failed ({}); warming them one by one", jobs.size(), view.name(), e.getMessage());
            jobs.forEach(job -> single.warm(job.key(), job.request()));
            return;
        }
        if (outcomes.tooSlow(started, jobs.size() + " keys of " + view.name())) {
            outcomes.count(view.name(), WarmOutcomes.Outcome.DROPPED_SLOW, jobs.size());
            return;
        }
        CacheBatch batch = store.batch();
        for (int i = 0; i < jobs.size(); i++) {
            batch.write(jobs.get(i).key(), seen.get(i).writeVersion(jobs.get(i).request().version()), values.get(i));
        }
        try {
            List<CacheBatch.Outcome> written = batch.execute().toCompletableFuture().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < jobs.size(); i++) {
                outcomes.written(view.name(), written.get(i).applied(), jobs.get(i).request());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Writing {} warmed keys of {} failed: {} (they stay invalidated; the next read fills each)", jobs.size(),
                    view.name(), e.getMessage());
            outcomes.count(view.name(), WarmOutcomes.Outcome.FAILED, jobs.size());
        }
    }
}
