package io.cachepipe.bench;

import io.cachepipe.core.metrics.HistogramQuantile;
import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Commit → invalidated and commit → re-warmed over a window of a run, from the pipeline's own
 * timers: the difference of two snapshots of their histograms, so earlier phases do not blur it.
 */
final class FreshnessWindow {
    private final MeterRegistry registry;
    private final TreeMap<Double, Double> invalidatedAtStart;
    private final TreeMap<Double, Double> warmedAtStart;

    private FreshnessWindow(MeterRegistry registry) {
        this.registry = registry;
        this.invalidatedAtStart = cumulative(registry, MetricNames.FRESHNESS_INVALIDATED);
        this.warmedAtStart = cumulative(registry, MetricNames.FRESHNESS_WARMED);
    }

    static FreshnessWindow open(MeterRegistry registry) {
        return new FreshnessWindow(registry);
    }

    /** The percentiles of what the timers recorded since {@link #open}. */
    Report.Freshness close() {
        return new Report.Freshness(percentiles(minus(cumulative(registry, MetricNames.FRESHNESS_INVALIDATED), invalidatedAtStart)),
                percentiles(minus(cumulative(registry, MetricNames.FRESHNESS_WARMED), warmedAtStart)));
    }

    private static Report.Percentiles percentiles(TreeMap<Double, Double> cumulative) {
        long count = cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
        return new Report.Percentiles(count, HistogramQuantile.of(cumulative, 0.50), HistogramQuantile.of(cumulative, 0.95),
                HistogramQuantile.of(cumulative, 0.99), HistogramQuantile.of(cumulative, 0.999));
    }

    /** Upper bound (ms) → samples at most that long, with a +Inf bucket holding the total. */
    private static TreeMap<Double, Double> cumulative(MeterRegistry registry, String name) {
        var out = new TreeMap<Double, Double>();
        @Nullable Timer timer = registry.find(name).timer();
        if (timer == null) {
            return out;
        }
        var snapshot = timer.takeSnapshot();
        for (CountAtBucket bucket : snapshot.histogramCounts()) {
            out.put(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count());
        }
        out.put(Double.POSITIVE_INFINITY, (double) snapshot.count());
        return out;
    }

    private static TreeMap<Double, Double> minus(TreeMap<Double, Double> now, TreeMap<Double, Double> before) {
        var out = new TreeMap<Double, Double>();
        now.forEach((bound, count) -> out.put(bound, count - before.getOrDefault(bound, 0.0)));
        return out;
    }
}
