package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.MalformedChangeException;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.change.Watermarks;
import io.cachepipe.core.kafka.WarmRequest;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ChangeMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change in: its invalidations applied (before the method returns, so the offset is committed
 * only after the effect), its warm requests out. Records that cannot be understood go to the
 * dead-letter topic with the reason; the pipeline goes on.
 */
final class ChangeProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(ChangeProcessor.class);

    private final ChangeEnvelopes envelopes;
    private final ChangeMapper mapper;
    private final Invalidation invalidation;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Timer freshness;
    private final Counter deadLetters;
    private final String warmChild;
    private @Nullable ProcessorContext<Object, Object> context;

    /** @param warmChild the processor or sink that receives warm requests */
    ChangeProcessor(ChangeEnvelopes envelopes, ChangeMapper mapper, Invalidation invalidation, String warmChild,
                    MeterRegistry metrics, Clock clock) {
        this.envelopes = envelopes;
        this.warmChild = warmChild;
        this.mapper = mapper;
        this.invalidation = invalidation;
        this.metrics = metrics;
        this.clock = clock;
        this.freshness = Timer.builder(MetricNames.FRESHNESS_INVALIDATED)
                .description("commit to invalidation applied in Redis").register(metrics);
        this.deadLetters = Counter.builder(MetricNames.DEAD_LETTERS).tag("stage", "invalidator").register(metrics);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }


    @Override
    public void process(Record<byte[], byte[]> record) {
        Version watermark = Watermarks.of(record.headers());
        if (watermark != null) {
            RecordMetadata source = context().recordMetadata().orElseThrow();
            invalidation.applied(source.topic(), source.partition(), watermark, Watermarks.fanout(record.headers()));
            return;
        }
        ChangeEvent event;
        try {
            event = envelopes.parse(record.key(), record.value());
        } catch (MalformedChangeException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        if (event == null) {
            return;
        }
        List<CacheTarget> targets = mapper.targets(event);
        count(event, targets);
        if (targets.isEmpty()) {
            return;
        }
        List<CacheKey> toWarm = invalidation.apply(event, targets);
        if (event.commitTimeMs() > 0 && event.op() != io.cachepipe.core.change.ChangeOp.SNAPSHOT_READ) {
            freshness.record(Duration.ofMillis(Math.max(0, clock.millis() - event.commitTimeMs())));
        }
        for (CacheKey key : toWarm) {
            var request = new WarmRequest(key.view().name(), key.params(), event.version(), event.commitTimeMs());
            context().forward(new Record<Object, Object>(key.redisKey(), request, record.timestamp()), warmChild);
        }
    }

    private void count(ChangeEvent event, List<CacheTarget> targets) {
        metrics.counter(MetricNames.INVALIDATOR_CHANGES, "table", event.table().toString(), "op", event.op().code()).increment();
        for (CacheTarget target : targets) {
            String kind = switch (target) {
                case CacheTarget.Key key -> "key";
                case CacheTarget.Group group -> "group";
                case CacheTarget.WholeView whole -> {
                    metrics.counter(MetricNames.INVALIDATOR_WIDENED, "view", whole.view().name()).increment();
                    log.warn("Change of {} at {} invalidates all of view {}: {}", event.table(), event.version(),
                            whole.view().name(), whole.reason());
                    yield "view";
                }
            };
            metrics.counter(MetricNames.INVALIDATOR_TARGETS, "view", target.view().name(), "kind", kind).increment();
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        RecordMetadata source = context().recordMetadata().orElse(null);
        String topic = source == null ? "?" : source.topic();
        int partition = source == null ? -1 : source.partition();
        long offset = source == null ? -1 : source.offset();
        log.error("Dead-lettering record {}-{}@{}: {}", topic, partition, offset, reason);
        var letter = new Record<Object, Object>(record.key(), record.value(), record.timestamp());
        DeadLetters.describe(letter.headers(), "invalidator", reason, topic, partition, offset);
        context().forward(letter, InvalidationTopology.DEAD_LETTER_SINK);
        deadLetters.increment();
    }

    private ProcessorContext<Object, Object> context() {
        if (context == null) {
            throw new IllegalStateException("processor used before init");
        }
        return context;
    }
}
