package io.cachepipe.warmer;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.WarmRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of warm requests, counted per view ({@link MetricNames#WARMER_LOADS}, {@link MetricNames#WARMER_QUERIES}),
 * and the freshness of what was written; shared by the batched and the single-key path.
 */
final class WarmOutcomes {
    private static final Logger log = LoggerFactory.getLogger(WarmOutcomes.class);

    /** What became of one warm request. */
    enum Outcome {
        WRITTEN, REFUSED,
        /** Not loaded: the key already held a value no invalidation had superseded, at least as new as the request. */
        CURRENT,
        DROPPED_SLOW, FAILED, INVALID
    }

    private final MeterRegistry metrics;
    private final Clock clock;
    private final Duration maxLoad;
    private final Timer freshness;

    /**
     * @param maxLoad a load slower than this is not written: the tombstones that would refuse it if a
     *                change came meanwhile may have expired by then
     */
    WarmOutcomes(MeterRegistry metrics, Clock clock, Duration maxLoad) {
        this.metrics = metrics;
        this.clock = clock;
        this.maxLoad = maxLoad;
        this.freshness = Timer.builder(MetricNames.FRESHNESS_WARMED).description("commit to re-warmed value in Redis").register(metrics);
    }

    void count(String view, Outcome outcome, long howMany) {
        if (howMany > 0) {
            metrics.counter(MetricNames.WARMER_LOADS, "view", view, "result", outcome.name().toLowerCase(Locale.ROOT)).increment(howMany);
        }
    }

    void countQuery(String view) {
        metrics.counter(MetricNames.WARMER_QUERIES, "view", view).increment();
    }

    void written(String view, boolean written, WarmRequest request) {
        count(view, written ? Outcome.WRITTEN : Outcome.REFUSED, 1);
        if (written && request.commitTimeMs() > 0) {
            freshness.record(Math.max(0, clock.millis() - request.commitTimeMs()), TimeUnit.MILLISECONDS);
        }
    }

    /** True, and logged, when a load that began at {@code startedMs} took too long to be written safely. */
    boolean tooSlow(long startedMs, String what) {
        long took = clock.millis() - startedMs;
        if (took <= maxLoad.toMillis()) {
            return false;
        }
        log.warn("Load of {} took {} ms, longer than the tombstone guard of {} ms: not written", what, took, maxLoad.toMillis());
        return true;
    }
}
