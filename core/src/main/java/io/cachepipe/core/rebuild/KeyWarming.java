package io.cachepipe.core.rebuild;

import io.cachepipe.core.cache.CacheStore;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads chosen keys from PostgreSQL in batches ({@link BatchLoader}) and writes them version-guarded.
 *
 * <p>The version a value is written with must not exceed the version of any change the value does
 * not contain, or that change's invalidation would be refused. The pipeline's applied position
 * ({@link CacheStore#appliedPosition}, a watermark every invalidator partition has passed) is such a
 * bound: every change committed after the load began has a higher version. Before any watermark
 * (or after Redis lost it) the values are written at version zero, which only fills keys that hold
 * nothing newer, and any change at all invalidates them.
 */
public final class KeyWarming {
    /** What a warm did. */
    public record Result(int keys, long written, long refused, long queries, Version version, boolean dryRun) {
    }

    private final CacheStore store;
    private final BatchLoader loader;

    public KeyWarming(CacheStore store, BatchLoader loader) {
        this.store = store;
        this.loader = loader;
    }

    public Result warm(List<CacheKey> keys, int batchSize, boolean dryRun) throws SQLException {
        Version version = store.appliedPosition().toCompletableFuture().join().orElse(Version.ZERO);
        long before = loader.queries();
        if (dryRun) {
            return new Result(keys.size(), 0, 0, 0, version, true);
        }
        Map<ViewDefinition, List<CacheKey>> byView = new LinkedHashMap<>();
        keys.forEach(key -> byView.computeIfAbsent(key.view(), view -> new ArrayList<>()).add(key));
        AtomicLong written = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        for (var entry : byView.entrySet()) {
            List<CacheKey> all = entry.getValue();
            for (int from = 0; from < all.size(); from += batchSize) {
                List<CacheKey> chunk = all.subList(from, Math.min(all.size(), from + batchSize));
                List<byte[]> values = loader.load(entry.getKey(), chunk.stream().map(CacheKey::params).toList());
                List<CompletableFuture<?>> inFlight = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    inFlight.add(store.write(chunk.get(i), version, values.get(i)).toCompletableFuture()
                            .thenAccept(ok -> (ok ? written : refused).incrementAndGet()));
                }
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            }
        }
        return new Result(keys.size(), written.get(), refused.get(), loader.queries() - before, version, false);
    }
}
