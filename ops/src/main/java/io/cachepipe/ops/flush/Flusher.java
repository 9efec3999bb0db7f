package io.cachepipe.ops.flush;

import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.ViewKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Drops a view's cached values (all, or those matching a glob) with {@link CacheStore#flush}, which
 * raises each key's tombstone to the dropped value's version: a load that read the database before
 * the flush can never put the old value back. Then tells every API's near cache to drop everything.
 */
public final class Flusher {
    /** What a flush did: keys it looked at, values it dropped. */
    public record Result(String view, long examined, long flushed, boolean scanned, boolean dryRun) {
    }

    private static final int IN_FLIGHT = 1000;
    private final CacheStore store;
    private final ViewKeys keys;

    public Flusher(CacheStore store, ViewKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    public Result flush(ViewDefinition view, @Nullable String glob, boolean scan, boolean dryRun) {
        List<String> found = scan ? keys.scan(view, glob) : keys.registered(view, glob);
        if (dryRun) {
            return new Result(view.name(), found.size(), 0, scan, true);
        }
        AtomicLong flushed = new AtomicLong();
        List<CompletableFuture<?>> inFlight = new ArrayList<>(IN_FLIGHT);
        for (String key : found) {
            inFlight.add(store.flush(key).toCompletableFuture().thenAccept(dropped -> {
                if (dropped) {
                    flushed.incrementAndGet();
                }
            }));
            if (inFlight.size() == IN_FLIGHT) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                inFlight.clear();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        store.publishNearCacheInvalidation(List.of(), List.of(), true).toCompletableFuture().join();
        return new Result(view.name(), found.size(), flushed.get(), scan, false);
    }
}
