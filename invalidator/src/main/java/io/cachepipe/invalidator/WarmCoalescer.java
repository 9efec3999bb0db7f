package io.cachepipe.invalidator;

import io.cachepipe.core.kafka.WarmRequest;
import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Holds warm requests for one window and sends one per key: a row updated hundreds of times a
 * second causes one reload per window, not hundreds. Of several requests for a key the newest
 * version wins, since the warmer's write is guarded by it. The store is changelogged, so a crash
 * between holding and sending loses nothing.
 */
final class WarmCoalescer implements Processor<String, WarmRequest, String, WarmRequest> {
    static final String STORE = "pending-warm-requests";

    private final Duration window;
    private final Counter received;
    private final Counter sent;
    private final AtomicLong heldByAll;
    private long held;
    private @Nullable KeyValueStore<String, WarmRequest> pending;
    private @Nullable ProcessorContext<String, WarmRequest> context;

    /** @param heldByAll requests held by every coalescer of the process, for the {@code held} gauge */
    WarmCoalescer(Duration window, MeterRegistry metrics, AtomicLong heldByAll) {
        this.window = window;
        this.heldByAll = heldByAll;
        this.received = received(metrics);
        this.sent = sent(metrics);
    }

    /**
     * The reload ratio gauge ({@link MetricNames#WARM_RELOAD_RATIO}): sent over received, over the
     * counters every coalescer of the process shares (the registry hands out one counter per name and tags).
     */
    static void registerReloadRatio(MeterRegistry metrics) {
        Counter received = received(metrics);
        Counter sent = sent(metrics);
        Gauge.builder(MetricNames.WARM_RELOAD_RATIO, () -> received.count() == 0 ? Double.NaN : sent.count() / received.count())
                .description("warm requests sent (reloads) per warm request received (changes of cached keys)")
                .strongReference(true).register(metrics);
    }

    private static Counter received(MeterRegistry metrics) {
        return Counter.builder(MetricNames.WARM_REQUESTS).tag("stage", "received").register(metrics);
    }

    private static Counter sent(MeterRegistry metrics) {
        return Counter.builder(MetricNames.WARM_REQUESTS).tag("stage", "sent").register(metrics);
    }

    @Override
    public void init(ProcessorContext<String, WarmRequest> context) {
        this.context = context;
        this.pending = context.getStateStore(STORE);
        try (KeyValueIterator<String, WarmRequest> restored = pending.all()) {
            restored.forEachRemaining(request -> hold(1));
        }
        context.schedule(window, PunctuationType.WALL_CLOCK_TIME, now -> flush(now));
    }

    @Override
    public void process(Record<String, WarmRequest> record) {
        received.increment();
        WarmRequest earlier = pending.get(record.key());
        pending.put(record.key(), earlier == null ? record.value() : earlier.newer(record.value()));
        if (earlier == null) {
            hold(1);
        }
    }

    private void flush(long now) {
        List<KeyValue<String, WarmRequest>> due = new ArrayList<>();
        try (KeyValueIterator<String, WarmRequest> all = pending.all()) {
            all.forEachRemaining(due::add);
        }
        for (KeyValue<String, WarmRequest> request : due) {
            context.forward(new Record<>(request.key, request.value, now));
            pending.delete(request.key);
            sent.increment();
            hold(-1);
        }
    }

    /** The task moves elsewhere (or stops): what it held is no longer this process's to send. */
    @Override
    public void close() {
        hold(-held);
    }

    private void hold(long change) {
        held += change;
        heldByAll.addAndGet(change);
    }
}
