package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.store.kafka.Watermarks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the changes the stream threads hand over, as many at a time as have arrived: while one
 * batch is in Redis, the next accumulates (smart batching). At low load a change is applied the
 * moment it arrives, alone; under load each round trip carries everything that arrived during the
 * previous one, merged per target ({@link EffectBatch}) and sent as one script call per slot group
 * ({@link io.cachepipe.store.redis.CacheBatch}). One thread applies, so batches never overtake each other.
 *
 * <p>While Redis is unreachable the batch is retried until it succeeds; meanwhile the stream threads
 * queue up to a bound and then wait, and {@link #awaitApplied()} gives up after {@code retryFor}, so
 * nothing is committed and the stream thread is replaced, resuming from the last committed offset.
 */
final class RedisEffects implements ChangeEffects, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisEffects.class);
    /** Items one batch takes at most: bounds one round trip's time, so the first change in it is not held up. */
    static final int MAX_BATCH = 2_000;
    /**
     * Items queued at most before the stream threads wait: three batches keep the applier busy, and
     * more only holds memory (a backlog drain with 20,000 queued spent a fifth of its time in GC).
     */
    static final int MAX_QUEUED = 6_000;

    /** What applies a batch: {@link BatchApplier} on Redis and Kafka. */
    interface Applier extends AutoCloseable {
        /** Applies the items, retrying until done; false only if closed first. */
        boolean applyUntilDone(List<? extends EffectBatch.Item> items);

        /**
         * Starts applying the items and returns without waiting for Redis; throws if they cannot be sent,
         * and then {@link #applyUntilDone} takes over. By default applies them at once.
         */
        default Sent send(List<? extends EffectBatch.Item> items) {
            if (!applyUntilDone(items)) {
                throw new IllegalStateException("closed while applying");
            }
            return new Sent() {
                @Override
                public List<? extends EffectBatch.Item> items() {
                    return items;
                }

                @Override
                public void settle() {
                }

                @Override
                public void finish() {
                }
            };
        }

        /** Waits until Kafka has acknowledged the warm requests (and dead letters) of every item applied. */
        void flushWarmRequests();

        @Override
        void close();
    }

    /** A batch sent to Redis and not yet known to be applied: {@link #settle()}, then {@link #finish()}. Either throws if it failed. */
    interface Sent {
        List<? extends EffectBatch.Item> items();

        /** Waits for Redis's answer to the effects, then sends what follows them (warm requests, applied offsets) without waiting. */
        void settle();

        /** Settles, then waits until what followed is acknowledged: the batch is applied. */
        void finish();
    }

    private final RowImages rowImages;
    private final Applier applier;
    private final Duration retryFor;
    private final Counter imageFallbacks;
    private final AtomicReference<Version> newest = new AtomicReference<>(Version.ZERO);
    private final Object lock = new Object();
    private List<EffectBatch.Item> queued = new ArrayList<>(); // guarded by lock
    private long submitted; // guarded by lock
    private long applied; // guarded by lock
    private boolean closed; // guarded by lock
    private final Thread thread;

    RedisEffects(RowImages rowImages, Applier applier, Duration retryFor, MeterRegistry metrics) {
        this.rowImages = rowImages;
        this.applier = applier;
        this.retryFor = retryFor;
        this.imageFallbacks = Counter.builder(MetricNames.ROW_IMAGE_FALLBACKS)
                .description("row images that could not be rendered exactly (an unchanged TOAST value, a form that does not "
                        + "map): the key was invalidated and re-warmed from the database instead")
                .register(metrics);
        this.thread = Thread.ofPlatform().daemon().name("cachepipe-invalidator-apply").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    @Override
    public void submit(ChangeEvent event, List<CacheTarget> targets, RecordSource source) {
        newest.accumulateAndGet(event.version(), Version::max);
        // Rendered here, on the stream thread that submits, so that the applier only sends.
        enqueue(new EffectBatch.Change(event.withoutRows(), targets, rowImages.images(event, targets, imageFallbacks::increment), source));
    }

    @Override
    public void passed(String topic, int partition, long offset) {
        enqueue(new EffectBatch.Passed(topic, partition, offset));
    }

    @Override
    public void watermark(Watermarks.Watermark watermark) {
        enqueue(new EffectBatch.Watermark(watermark.version(), watermark.endOffsets()));
    }

    private void enqueue(EffectBatch.Item item) {
        synchronized (lock) {
            long deadline = System.nanoTime() + retryFor.toNanos();
            while (queued.size() >= MAX_QUEUED && !closed) {
                waitUntil(deadline, () -> "Redis has not taken the " + queued.size() + " changes waiting for " + retryFor.toSeconds() + " s");
            }
            queued.add(item);
            submitted++;
            lock.notifyAll();
        }
    }

    @Override
    public void awaitApplied() {
        synchronized (lock) {
            long target = submitted;
            long deadline = System.nanoTime() + retryFor.toNanos();
            while (applied < target) {
                waitUntil(deadline, () -> (target - applied) + " changes were not applied to Redis within " + retryFor.toSeconds()
                        + " s; their offsets stay uncommitted");
            }
        }
        applier.flushWarmRequests();
    }

    /** The newest change handed over (applied or about to be). */
    Version newest() {
        return newest.get();
    }

    private void waitUntil(long deadline, java.util.function.Supplier<String> timeoutMessage) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IllegalStateException(timeoutMessage.get());
        }
        try {
            lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }

    /**
     * Keeps Redis busy: while it applies one batch's effects, this thread prepares and sends the next,
     * then settles the one before (its answer is in) and finishes the one before that (its offsets are
     * acknowledged). A batch's offsets are sent only once Redis has answered its effects (on Cluster,
     * and a replica of every master has them), and batches are counted applied strictly in order.
     * With nothing queued, every batch in flight is finished first: at low load a change goes through
     * alone, no later than before. Any failure sends every unfinished batch, in order, through
     * {@link Applier#applyUntilDone} (retries, then one change at a time and dead letters): applying an
     * effect twice is harmless, every effect is version-guarded.
     */
    private void run() {
        List<Sent> unfinished = new ArrayList<>(3); // oldest first
        while (true) {
            List<EffectBatch.Item> items;
            synchronized (lock) {
                while (queued.isEmpty() && unfinished.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                items = queued.isEmpty() ? null : take();
            }
            try {
                if (items == null) {
                    while (!unfinished.isEmpty()) {
                        unfinished.getFirst().finish();
                        applied(unfinished.removeFirst());
                    }
                    continue;
                }
                unfinished.add(applier.send(items));
                items = null;
                if (unfinished.size() >= 2) {
                    unfinished.get(unfinished.size() - 2).settle();
                }
                if (unfinished.size() == 3) {
                    unfinished.getFirst().finish();
                    applied(unfinished.removeFirst());
                }
            } catch (RuntimeException e) {
                if (!applyOneAtATime(unfinished, items, e)) {
                    return; // closed while retrying
                }
            }
        }
    }

    /** After a failure in flight: every unfinished batch, and the one that could not be sent, applied in order by the retrying path. */
    private boolean applyOneAtATime(List<Sent> unfinished, @Nullable List<EffectBatch.Item> unsent, RuntimeException failure) {
        log.debug("A batch in flight failed ({}); applying the {} unfinished batches in order", failure.toString(),
                unfinished.size() + (unsent == null ? 0 : 1));
        List<List<? extends EffectBatch.Item>> batches = new ArrayList<>();
        unfinished.forEach(sent -> batches.add(sent.items()));
        unfinished.clear();
        if (unsent != null) {
            batches.add(unsent);
        }
        for (List<? extends EffectBatch.Item> batch : batches) {
            if (!applier.applyUntilDone(batch)) {
                return false;
            }
            applied(batch.size());
        }
        return true;
    }

    private void applied(Sent sent) {
        applied(sent.items().size());
    }

    private void applied(int items) {
        synchronized (lock) {
            applied += items;
            lock.notifyAll();
        }
    }

    private List<EffectBatch.Item> take() {
        if (queued.size() <= MAX_BATCH) {
            List<EffectBatch.Item> all = queued;
            queued = new ArrayList<>();
            return all;
        }
        List<EffectBatch.Item> first = new ArrayList<>(queued.subList(0, MAX_BATCH));
        queued = new ArrayList<>(queued.subList(MAX_BATCH, queued.size()));
        return first;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        applier.close();
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
