package io.cachepipe.invalidator;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.cachepipe.store.redis.SlotLossRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the invalidator does with a {@link SlotLossNotice}: the replication slot lost changes, nobody
 * knows which rows they touched, so every cached value of every view goes ({@link EveryViewFlush}), and
 * the loss is recorded for {@code GET /cache/summary} ({@link SlotLossRecord}). cdc-capture sent the
 * notice only after the new slot existed, so every change after this flush reaches the cache again.
 * Runs on the stream thread; a failure (Redis away) fails the thread, whose replacement reads the notice
 * again: its offset is not committed before.
 */
final class SlotLossFlush implements Consumer<SlotLossNotice> {
    private static final Logger log = LoggerFactory.getLogger(SlotLossFlush.class);

    private final EveryViewFlush flush;
    private final Supplier<Version> newestApplied;
    private final SlotLossRecord record;
    private final Counter flushes;

    SlotLossFlush(EveryViewFlush flush, Supplier<Version> newestApplied, SlotLossRecord record, MeterRegistry metrics) {
        this.flush = flush;
        this.newestApplied = newestApplied;
        this.record = record;
        this.flushes = Counter.builder(MetricNames.INVALIDATOR_SLOT_LOSS_FLUSHES).register(metrics);
    }

    @Override
    public void accept(SlotLossNotice notice) {
        long started = System.nanoTime();
        long dropped = flush.flush(newestApplied.get());
        record.record(notice).toCompletableFuture().join();
        flushes.increment();
        log.warn("Replication slot {} lost changes ({}; stored position {}, captured again from {}, noticed {}): dropped every"
                        + " cached value of every view ({} values over {} views) in {} ms; reads fill them again from PostgreSQL",
                notice.slot(), notice.reason(), notice.storedLsn(), notice.resumedAt(), notice.at(), dropped, flush.views(),
                (System.nanoTime() - started) / 1_000_000);
    }
}
