package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import java.util.List;

/**
 * Where the topology's side effect goes: applies a change's invalidations and answers which keys
 * to re-warm. Must be idempotent (a change can be applied twice after a crash) and must not return
 * before the effect is durable in the cache, because the change's offset is committed after it.
 */
public interface Invalidation {
    List<CacheKey> apply(ChangeEvent event, List<CacheTarget> targets);

    /** Every change of this partition before the watermark is applied; see {@link io.cachepipe.core.change.Watermarks}. */
    void applied(String topic, int partition, Version watermark, int fanout);
}
