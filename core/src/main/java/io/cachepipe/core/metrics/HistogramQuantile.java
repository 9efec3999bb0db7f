package io.cachepipe.core.metrics;

import java.util.NavigableMap;

/**
 * Quantiles of a cumulative histogram (upper bound → count of samples at most that bound, the last
 * bound +Inf), interpolated linearly within a bucket as Prometheus' {@code histogram_quantile} does.
 * Used on {@code /metrics} buckets and on the difference of two snapshots of one timer.
 */
public final class HistogramQuantile {
    private HistogramQuantile() {
    }

    /** The {@code q} quantile (0..1); 0 for an empty histogram. */
    public static double of(NavigableMap<Double, Double> cumulative, double q) {
        if (cumulative.isEmpty()) {
            return 0;
        }
        double rank = q * cumulative.lastEntry().getValue();
        double lowerBound = 0;
        double lowerCount = 0;
        for (var entry : cumulative.entrySet()) {
            if (entry.getValue() >= rank) {
                if (entry.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = entry.getValue() - lowerCount;
                return inBucket <= 0 ? entry.getKey() : lowerBound + (entry.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = entry.getKey();
            lowerCount = entry.getValue();
        }
        return lowerBound;
    }
}
