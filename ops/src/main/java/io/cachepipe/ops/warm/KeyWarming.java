package io.cachepipe.ops.warm;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.ReadResult;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads chosen keys ahead of traffic, through the same leases as the API's read path: for each key
 * it reads the cache; a key that holds a current value is left alone, a key another reader is
 * filling is skipped, and for every other key the lease is taken, the value loaded from PostgreSQL
 * (in batches, {@link BatchLoader}) and written with {@link CacheStore#fill}.
 *
 * <p>Why leases and not a plain versioned write: a warm is not caused by a change, so it has no
 * change version to label its value with, and any version it could pick (a watermark, the current WAL
 * position) may be higher than the version of a change committed just after the load, whose
 * invalidation would then be refused. Under a lease the value is labelled with the key's own newest
 * invalidation, and any invalidation that lands between the lease and the write voids the lease, so
 * the fill is refused: the stale-set race closed exactly as for readers.
 */
public final class KeyWarming {
    /** What a warm did. */
    public record Result(int keys, long written, long alreadyCached, long busy, long refused, long queries, boolean dryRun) {
    }

    private final CacheStore store;
    private final BatchLoader loader;

    public KeyWarming(CacheStore store, BatchLoader loader) {
        this.store = store;
        this.loader = loader;
    }

    public Result warm(List<CacheKey> keys, int batchSize, boolean dryRun) throws SQLException {
        if (dryRun) {
            return new Result(keys.size(), 0, 0, 0, 0, 0, true);
        }
        long before = loader.queries();
        Map<ViewDefinition, List<CacheKey>> byView = new LinkedHashMap<>();
        keys.forEach(key -> byView.computeIfAbsent(key.view(), view -> new ArrayList<>()).add(key));
        AtomicLong written = new AtomicLong();
        AtomicLong cached = new AtomicLong();
        AtomicLong busy = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        for (var entry : byView.entrySet()) {
            List<CacheKey> all = entry.getValue();
            for (int from = 0; from < all.size(); from += batchSize) {
                List<CacheKey> chunk = all.subList(from, Math.min(all.size(), from + batchSize));
                List<CompletableFuture<ReadResult>> reads = chunk.stream().map(key -> store.read(key).toCompletableFuture()).toList();
                CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
                List<CacheKey> leasedKeys = new ArrayList<>();
                List<ReadResult.Leased> leases = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    switch (reads.get(i).join()) {
                        case ReadResult.Hit hit -> cached.incrementAndGet();
                        case ReadResult.Stale stale -> cached.incrementAndGet();
                        case ReadResult.Busy other -> busy.incrementAndGet();
                        case ReadResult.Leased lease -> {
                            leasedKeys.add(chunk.get(i));
                            leases.add(lease);
                        }
                    }
                }
                if (leasedKeys.isEmpty()) {
                    continue;
                }
                List<byte[]> values = loader.load(entry.getKey(), leasedKeys.stream().map(CacheKey::params).toList());
                List<CompletableFuture<?>> fills = new ArrayList<>(leasedKeys.size());
                for (int i = 0; i < leasedKeys.size(); i++) {
                    fills.add(store.fill(leasedKeys.get(i), leases.get(i), values.get(i)).toCompletableFuture()
                            .thenAccept(ok -> (ok ? written : refused).incrementAndGet()));
                }
                CompletableFuture.allOf(fills.toArray(CompletableFuture[]::new)).join();
            }
        }
        return new Result(keys.size(), written.get(), cached.get(), busy.get(), refused.get(), loader.queries() - before, false);
    }
}
