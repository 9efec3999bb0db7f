package io.cachepipe.ops.rebuild;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RebuildCheckpoint;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Loads the keys a rebuild learnt from the row images (the view's parameter sets in the checkpoint)
 * from PostgreSQL with {@link BatchLoader}, many keys per query, and writes them version-guarded,
 * a batch of writes per query, sent again if Redis does not answer in time ({@link WriteRetries}).
 */
final class DatabaseFill {
    private final CacheStore store;
    private final BatchLoader loader;
    private final RebuildCheckpoint checkpoint;
    private final ParamSetJson paramSets;
    private final WriteRetries retries;
    private final RebuildCounts counts;

    DatabaseFill(CacheStore store, DataSource dataSource, RebuildCheckpoint checkpoint, ParamSetJson paramSets, WriteRetries retries,
                 RebuildCounts counts) {
        this.store = store;
        this.loader = new BatchLoader(dataSource, LoadTimer.Cause.REBUILD);
        this.checkpoint = checkpoint;
        this.paramSets = paramSets;
        this.retries = retries;
        this.counts = counts;
    }

    /** Loads and writes every waiting key of the view, {@code batchSize} keys per query, with {@code version}. */
    void load(ViewDefinition view, Version version, int batchSize, Progress progress) throws SQLException {
        List<String> sets = checkpoint.params(view.name());
        List<Map<String, Object>> keys = new ArrayList<>(sets.size());
        for (String set : sets) {
            keys.add(paramSets.decode(view, set));
        }
        String phase = "view " + view.name();
        progress.update(phase, 0, keys.size());
        for (int from = 0; from < keys.size(); from += batchSize) {
            List<Map<String, Object>> chunk = keys.subList(from, Math.min(keys.size(), from + batchSize));
            List<byte[]> values = loader.load(view, chunk);
            Supplier<CompletableFuture<List<CacheBatch.Outcome>>> write = () -> {
                CacheBatch batch = store.batch();
                for (int i = 0; i < chunk.size(); i++) {
                    batch.write(store.keySpace().key(view, chunk.get(i)), version, values.get(i));
                }
                return batch.execute().toCompletableFuture();
            };
            for (CacheBatch.Outcome outcome : retries.await(write.get(), write)) {
                counts.loadedWrite(outcome.applied());
            }
            progress.update(phase, from + chunk.size(), keys.size());
        }
    }

    /** Database queries run so far. */
    long queries() {
        return loader.queries();
    }
}
