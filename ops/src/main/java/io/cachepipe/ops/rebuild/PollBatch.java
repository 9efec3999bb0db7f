package io.cachepipe.ops.rebuild;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RebuildCheckpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The pending work of one poll of the change topics: row-image writes and invalidations, the last one
 * per key winning, and the parameter sets of keys to load from the database later. {@link #apply}
 * sends it all at once.
 */
final class PollBatch {
    private record Pending(CacheKey key, Version version, byte @Nullable [] value) {
    }

    private final CacheStore store;
    private final RebuildCheckpoint checkpoint;
    private final RebuildCounts counts;
    private final Map<String, Pending> writes = new LinkedHashMap<>();
    private final Map<String, Set<String>> params = new HashMap<>();

    PollBatch(CacheStore store, RebuildCheckpoint checkpoint, RebuildCounts counts) {
        this.store = store;
        this.checkpoint = checkpoint;
        this.counts = counts;
    }

    /** The key's value rendered from a row image. */
    void write(CacheKey key, Version version, byte[] value) {
        writes.put(key.redisKey(), new Pending(key, version, value));
    }

    /** The key's row is deleted: invalidate it. */
    void invalidate(CacheKey key, Version version) {
        writes.put(key.redisKey(), new Pending(key, version, null));
    }

    /** The key is to be loaded from the database instead of whatever this poll had for it. */
    void loadInstead(CacheKey key, String view, String paramSet) {
        writes.remove(key.redisKey());
        loadLater(view, paramSet);
    }

    /** A key of the view to load from the database once the topics are read. */
    void loadLater(String view, String paramSet) {
        params.computeIfAbsent(view, name -> new LinkedHashSet<>()).add(paramSet);
    }

    /** One {@link CacheBatch} for the poll's rows (a script call per 200), one SADD per view for its parameter sets. */
    CompletableFuture<Void> apply() {
        CacheBatch batch = store.batch();
        List<Pending> order = new ArrayList<>(writes.values());
        for (Pending pending : order) {
            byte[] value = pending.value();
            if (value == null) {
                batch.invalidate(pending.key(), pending.version(), false);
            } else {
                batch.write(pending.key(), pending.version(), value);
            }
        }
        List<CompletableFuture<?>> inFlight = new ArrayList<>(params.size() + 1);
        inFlight.add(batch.execute().toCompletableFuture().thenAccept(outcomes -> {
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i).value() == null) {
                    counts.delete();
                } else {
                    counts.rowWrite(outcomes.get(i).applied());
                }
            }
        }));
        params.forEach((view, sets) -> inFlight.add(checkpoint.addParams(view, sets)));
        return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new));
    }
}
