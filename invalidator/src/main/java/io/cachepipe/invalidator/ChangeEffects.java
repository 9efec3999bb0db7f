package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.store.kafka.Watermarks;
import java.util.List;

/**
 * Where the topology's side effects go. The stream threads only hand changes over; the effects are
 * applied asynchronously, many changes at a time, and {@link #awaitApplied()} is the barrier that
 * keeps the pipeline at least once: the stream threads' offset commits wait on it
 * ({@link CommitBarrier}), so an offset is committed only after its change's effects are in Redis
 * and its warm requests in Kafka. Every effect is idempotent and version-guarded, so applying a
 * change twice (after a crash) or two changes of different partitions in either order is harmless.
 */
interface ChangeEffects {
    /**
     * Hands over one change and the cache targets it affects. Returns at once, unless so much is
     * waiting to be applied that the caller must wait (bounded memory).
     *
     * @param source where the record came from, for a dead letter if its effects cannot be applied at all
     */
    void submit(ChangeEvent event, List<CacheTarget> targets, RecordSource source);

    /** A record that is not a change: nothing to apply, but its offset counts as applied with the changes around it. */
    void passed(String topic, int partition, long offset);

    /** A watermark and the change-topic end offsets it stands for, recorded in Redis for readers ({@link Watermarks}). */
    void watermark(Watermarks.Watermark watermark);

    /**
     * Returns once every change and watermark submitted so far is applied and its warm requests are
     * acknowledged by Kafka; throws if that does not happen in time, and then nothing may be committed.
     */
    void awaitApplied();
}
