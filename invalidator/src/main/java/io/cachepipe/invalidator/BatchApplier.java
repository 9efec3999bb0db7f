package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.store.redis.CacheBatch;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one batch of changes to Redis, in this order: the merged key and group effects in one
 * {@link CacheBatch}; whole-view fallbacks through their registries; one near-cache message for the
 * batch, with the next offset to apply of each partition read (only now is every change before it
 * applied; on Redis Cluster only once a replica of every master acknowledged the effects, see
 * {@link CacheStore#awaitReplicas()}); the watermarks cdc-capture published; then the warm requests and the metrics. Redis (or
 * Kafka) unavailable is retried until it answers; a batch Redis refuses outright
 * (a script error, a key of the wrong type) or that fails for a reason of its own (anything that is not
 * Redis or Kafka failing: a value that cannot be handled is not a Redis outage, and waiting would stall
 * the partition for nothing) is applied change by change, and a change that still fails goes to the
 * dead-letter topic with the reason, so one bad record never stops a partition.
 */
final class BatchApplier implements RedisEffects.Applier {
    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    private static final Duration PAUSE = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration WARN_EVERY = Duration.ofSeconds(5);

    private final CacheStore store;
    private final WarmRequests warm;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final String deadLetterTopic;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Timer invalidated;
    private final Timer rewritten;
    private final Counter deadLetters;
    private final Map<CounterKey, Counter> changeCounters = new HashMap<>();
    private volatile boolean closed;
    private long lastWarning;

    BatchApplier(CacheStore store, WarmRequests warm, Producer<byte[], byte[]> deadLetterProducer, String deadLetterTopic,
                 MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.warm = warm;
        this.deadLetterProducer = deadLetterProducer;
        this.deadLetterTopic = deadLetterTopic;
        this.metrics = metrics;
        this.clock = clock;
        this.invalidated = Timer.builder(MetricNames.FRESHNESS_INVALIDATED).description("commit to invalidation applied in Redis")
                .register(metrics);
        this.rewritten = Timer.builder(MetricNames.FRESHNESS_WARMED).description("commit to re-warmed value in Redis").register(metrics);
        this.deadLetters = Counter.builder(MetricNames.DEAD_LETTERS).tag("stage", "invalidator").register(metrics);
    }

    /** Applies the items, waiting out Redis outages; false only if closed before it could. */
    @Override
    public boolean applyUntilDone(List<? extends EffectBatch.Item> items) {
        boolean redisFull = false;
        while (!closed) {
            try {
                new InFlight(items, redisFull).finish();
                return true;
            } catch (RuntimeException e) {
                if (!redisFull && RedisFailures.outOfMemory(e)) {
                    // Waiting would leave every value this batch invalidates served as it is, for as long as Redis stays full.
                    warnNowAndThen("Redis is out of memory (" + RedisFailures.rootMessage(e) + "): applying " + items.size()
                            + " changes as invalidations alone, writing no value, until it has room (raise maxmemory or free memory)");
                    redisFull = true;
                    continue;
                }
                if (RedisFailures.refusedOutright(e) || !worthRetrying(e)) {
                    return items.size() == 1 ? deadLetter(items.getFirst(), e) : applyOneByOne(items, e);
                }
                warnNowAndThen("Redis unavailable while applying " + items.size() + " changes (" + RedisFailures.rootMessage(e) + "); retrying");
                pause();
            }
        }
        return false;
    }

    /** Redis or Kafka away or slow, or this thread interrupted: waiting helps. Anything else is the batch's own doing. */
    private static boolean worthRetrying(Throwable error) {
        for (Throwable cause = error; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof KafkaException || cause instanceof InterruptedException) {
                return true;
            }
        }
        return RedisFailures.fromRedis(error);
    }

    private boolean applyOneByOne(List<? extends EffectBatch.Item> items, RuntimeException error) {
        log.warn("A batch of {} changes failed ({}), and waiting will not help; applying them one by one to find the one that fails",
                items.size(), RedisFailures.rootMessage(error));
        for (EffectBatch.Item item : items) {
            if (!applyUntilDone(List.of(item))) {
                return false;
            }
        }
        return true;
    }

    private boolean deadLetter(EffectBatch.Item item, RuntimeException error) {
        if (!(item instanceof EffectBatch.Change change)) {
            throw error; // a watermark or an offset is one small script: refused outright means Redis itself is broken
        }
        RecordSource source = change.source();
        String reason = (RedisFailures.refusedOutright(error) ? "Redis refused the change's effects: "
                : "the change's effects could not be applied: ") + RedisFailures.rootMessage(error);
        log.error("Dead-lettering record {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), reason);
        DeadLetters.send(deadLetterProducer, deadLetterTopic, source, reason);
        deadLetters.increment();
        return true;
    }

    /** Builds the batch's effects and sends them at once; Redis works on them while the caller prepares the next batch. */
    @Override
    public RedisEffects.Sent send(List<? extends EffectBatch.Item> items) {
        return new InFlight(items, false);
    }

    /**
     * One batch on its way through Redis: its effects sent ({@link CacheBatch}); then, once Redis has
     * answered them, its warm requests, whole-view fallbacks and bookkeeping sent (replicas, applied
     * offsets with the near-cache message, watermarks); then that bookkeeping acknowledged.
     */
    private final class InFlight implements RedisEffects.Sent {
        private final List<? extends EffectBatch.Item> items;
        private final EffectBatch batch;
        private final List<EffectBatch.Effect> effects;
        private final CompletionStage<List<CacheBatch.Outcome>> outcomes;
        private @Nullable CompletionStage<Void> bookkeeping;

        /** @param redisFull Redis is out of memory: the effects as invalidations alone ({@link CacheBatch#executeWhenFull()}) */
        InFlight(List<? extends EffectBatch.Item> items, boolean redisFull) {
            this.items = items;
            this.batch = new EffectBatch(store.keySpace(), items);
            CacheBatch operations = store.batch();
            this.effects = batch.addTo(operations);
            this.outcomes = redisFull ? operations.executeWhenFull() : operations.execute();
        }

        @Override
        public List<? extends EffectBatch.Item> items() {
            return items;
        }

        @Override
        public void settle() {
            if (bookkeeping != null) {
                return;
            }
            List<CacheBatch.Outcome> answered = await(outcomes);
            for (int i = 0; i < effects.size(); i++) {
                EffectBatch.Effect effect = effects.get(i);
                CacheBatch.Outcome outcome = answered.get(i);
                outcome.toWarm().forEach(key -> requestWarm(key, effect.cause()));
                if (effect instanceof EffectBatch.KeyEffect key && key.image() != null && outcome.applied()) {
                    record(rewritten, effect.cause());
                }
            }
            for (EffectBatch.ViewEffect view : batch.viewEffects()) {
                await(store.invalidateView(view.view(), view.cause().version())).forEach(key -> requestWarm(key, view.cause()));
            }
            bookkeeping = bookkeeping();
        }

        /**
         * Replication is asynchronous: a master that dies before its replica has these effects takes them
         * along, and a lost invalidation is a stale entry forever. So the offsets are applied only once a
         * replica of every master has them; sent together with the near-cache message, then the watermarks.
         */
        private CompletionStage<Void> bookkeeping() {
            CompletionStage<Void> done = store.awaitReplicas().thenCompose(replicated -> {
                CompletionStage<Void> offsets = store.markApplied(batch.nextOffsets());
                if (batch.nearCacheKeys().isEmpty() && batch.nearCacheGroups().isEmpty() && !batch.touchesWholeViews()) {
                    return offsets;
                }
                return store.publishNearCacheInvalidation(batch.nearCacheKeys(), batch.nearCacheGroups(), batch.touchesWholeViews())
                        .thenCombine(offsets, (published, applied) -> null);
            });
            for (EffectBatch.Watermark watermark : batch.watermarks()) {
                done = done.thenCompose(previous -> store.recordWatermark(watermark.version(), watermark.endOffsets()));
            }
            return done;
        }

        @Override
        public void finish() {
            settle();
            await(Objects.requireNonNull(bookkeeping));
            // Counted per table and kind, not per change: a batch of thousands holds a few of each.
            Map<CounterKey, long[]> counts = new HashMap<>(4);
            for (EffectBatch.Change change : batch.changes()) {
                ChangeEvent event = change.event();
                record(invalidated, event);
                counts.computeIfAbsent(new CounterKey(event.table(), event.op()), kind -> new long[1])[0]++;
            }
            counts.forEach((kind, count) -> changeCounter(kind).increment(count[0]));
        }
    }

    private void requestWarm(CacheKey key, ChangeEvent cause) {
        warm.request(key.redisKey(), new WarmRequest(key.view().name(), key.params(), cause.version(), cause.commitTimeMs()));
    }

    /** Sends every warm request (and dead letter) so far and waits for Kafka's acknowledgement. */
    @Override
    public void flushWarmRequests() {
        warm.flush();
    }

    private void record(Timer timer, ChangeEvent event) {
        if (event.commitTimeMs() > 0 && event.op() != ChangeOp.SNAPSHOT_READ) {
            timer.record(Math.max(0, clock.millis() - event.commitTimeMs()), TimeUnit.MILLISECONDS);
        }
    }

    private Counter changeCounter(CounterKey kind) {
        return changeCounters.computeIfAbsent(kind, key -> Counter.builder(MetricNames.INVALIDATOR_CHANGES)
                .tag("table", key.table().toString()).tag("op", key.op().code()).description("change events the invalidator applied")
                .register(metrics));
    }

    private record CounterKey(TableName table, ChangeOp op) {
    }

    private void warnNowAndThen(String message) {
        long now = System.nanoTime();
        if (now - lastWarning > WARN_EVERY.toNanos()) {
            lastWarning = now;
            log.warn(message);
        }
    }

    private void pause() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within " + WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying changes", e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
