package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.MalformedChangeException;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.store.kafka.Watermarks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One change in: parsed, mapped to the cache targets it affects, and handed to {@link ChangeEffects},
 * which applies the effects of many changes together. Records that cannot be understood go to the
 * dead-letter topic with the reason; the pipeline goes on.
 */
final class ChangeProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(ChangeProcessor.class);
    /** The {@code kind} tag of each target kind, by the index {@link #count} gives it. */
    private static final List<String> TARGET_KINDS = List.of("key", "group", "view");

    private final ChangeEnvelopes envelopes;
    private final ChangeMapper mapper;
    private final ChangeEffects effects;
    private final MeterRegistry metrics;
    private final Counter deadLetters;
    /** Counters by view and target kind, looked up once: a registry lookup (or a tag string built) per change costs more than the rest of it. */
    private final Map<String, Counter[]> targetCounters = new HashMap<>();
    private final Map<String, Counter> widenedCounters = new HashMap<>();
    private @Nullable ProcessorContext<Object, Object> context;

    ChangeProcessor(ChangeEnvelopes envelopes, ChangeMapper mapper, ChangeEffects effects, MeterRegistry metrics) {
        this.envelopes = envelopes;
        this.mapper = mapper;
        this.effects = effects;
        this.metrics = metrics;
        this.deadLetters = Counter.builder(MetricNames.DEAD_LETTERS).tag("stage", "invalidator").register(metrics);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context().recordMetadata().orElseThrow();
        if (Watermarks.isLegacyCopy(record.headers())) {
            effects.passed(source.topic(), source.partition(), source.offset());
            return;
        }
        ChangeEvent event;
        try {
            event = envelopes.parse(record.key(), record.value());
        } catch (MalformedChangeException e) {
            deadLetter(record, source, e.getMessage());
            effects.passed(source.topic(), source.partition(), source.offset());
            return;
        }
        if (event == null) {
            effects.passed(source.topic(), source.partition(), source.offset());
            return;
        }
        List<CacheTarget> targets = mapper.targets(event);
        count(event, targets);
        effects.submit(event, targets, new RecordSource(source.topic(), source.partition(), source.offset(), record.key(),
                record.value(), record.timestamp()));
    }

    private void count(ChangeEvent event, List<CacheTarget> targets) {
        for (CacheTarget target : targets) {
            String view = target.view().name();
            int kind = switch (target) {
                case CacheTarget.Key key -> 0;
                case CacheTarget.Group group -> 1;
                case CacheTarget.WholeView whole -> {
                    widenedCounters.computeIfAbsent(view,
                            name -> Counter.builder(MetricNames.INVALIDATOR_WIDENED).tag("view", name).register(metrics)).increment();
                    log.warn("Change of {} at {} invalidates all of view {}: {}", event.table(), event.version(), view, whole.reason());
                    yield 2;
                }
            };
            Counter[] byKind = targetCounters.computeIfAbsent(view, name -> new Counter[TARGET_KINDS.size()]);
            if (byKind[kind] == null) {
                byKind[kind] = Counter.builder(MetricNames.INVALIDATOR_TARGETS).tag("view", view).tag("kind", TARGET_KINDS.get(kind))
                        .register(metrics);
            }
            byKind[kind].increment();
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason) {
        DeadLetters.forward(context(), InvalidationTopology.DEAD_LETTER_SINK, record, source, reason);
        deadLetters.increment();
    }

    private ProcessorContext<Object, Object> context() {
        if (context == null) {
            throw new IllegalStateException("processor used before init");
        }
        return context;
    }
}
