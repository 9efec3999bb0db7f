package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.Range;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@link CacheStore#invalidateView}: every key (or group) a view's registry names, invalidated in one
 * {@link CacheBatch} (a script call per 200 keys, a few in flight), then the registry pruned. A view of
 * 10,000 cached keys sent as 10,000 scripts at once kept the last ones waiting past the command timeout.
 */
final class WholeViewInvalidation {
    private WholeViewInvalidation() {
    }

    /** Answers the keys to re-warm. */
    static CompletionStage<List<CacheKey>> run(CacheStore store, long now, ViewDefinition view, Version version) {
        byte[] registry = bytes(store.keySpace().registry(view));
        return store.commands().zrangebyscore(registry, Range.create((double) now, Double.POSITIVE_INFINITY)).thenCompose(members -> {
            CacheBatch batch = store.batch();
            for (byte[] member : members) {
                String name = new String(member, StandardCharsets.UTF_8);
                if (view.hasPatternSources()) {
                    batch.invalidateGroup(view, new KeyGroup(name, name + ":#version"), version);
                } else {
                    store.keySpace().parse(name).ifPresent(key -> batch.invalidate(key, version, true));
                }
            }
            return batch.execute();
        }).thenCompose(outcomes -> store.commands().zremrangebyscore(registry, Range.create(Double.NEGATIVE_INFINITY, (double) now))
                .thenApply(pruned -> outcomes.stream().flatMap(outcome -> outcome.toWarm().stream()).toList()));
    }
}
