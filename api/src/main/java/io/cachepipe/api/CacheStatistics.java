package io.cachepipe.api;

import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts how each read was answered, per view, as Micrometer counters (for {@code /metrics}) that
 * {@code /cache/stats} also reads. The hit rate is the share of reads answered without a database
 * query of their own: near-cache and Redis hits, stale-within-grace answers, and reads that shared
 * another reader's fill.
 */
final class CacheStatistics {
    /** How one read was answered. */
    enum Outcome { NEAR, HIT, STALE, COALESCED, MISS, FALLBACK }

    private final MeterRegistry metrics;
    private final Map<String, Map<Outcome, Counter>> counters = new ConcurrentHashMap<>();

    CacheStatistics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    void record(String view, Outcome outcome) {
        counters.computeIfAbsent(view, this::firstReadOf)
                .computeIfAbsent(outcome, o -> Counter.builder(MetricNames.CACHE_REQUESTS)
                        .tag("view", view).tag("result", o.name().toLowerCase(Locale.ROOT)).register(metrics))
                .increment();
    }

    /** A view's counters, made on its first read, with its hit-ratio gauge. */
    private Map<Outcome, Counter> firstReadOf(String view) {
        Map<Outcome, Counter> byOutcome = new ConcurrentHashMap<>();
        Gauge.builder(MetricNames.CACHE_HIT_RATIO, byOutcome, CacheStatistics::hitRate).tag("view", view).register(metrics);
        return byOutcome;
    }

    private static double hitRate(Map<Outcome, Counter> byOutcome) {
        return figures(byOutcome).hitRate();
    }

    /** One view's (or the total's) figures. */
    record Figures(long near, long hits, long stale, long coalesced, long misses, long fallbacks) {
        static final Figures NONE = new Figures(0, 0, 0, 0, 0, 0);

        long requests() {
            return near + hits + stale + coalesced + misses + fallbacks;
        }

        double hitRate() {
            long requests = requests();
            return requests == 0 ? 0 : (double) (near + hits + stale + coalesced) / requests;
        }

        Figures plus(Figures other) {
            return new Figures(near + other.near, hits + other.hits, stale + other.stale, coalesced + other.coalesced,
                    misses + other.misses, fallbacks + other.fallbacks);
        }
    }

    Map<String, Figures> byView() {
        Map<String, Figures> out = new TreeMap<>();
        counters.forEach((view, byOutcome) -> out.put(view, figures(byOutcome)));
        return out;
    }

    private static Figures figures(Map<Outcome, Counter> byOutcome) {
        return new Figures(count(byOutcome, Outcome.NEAR), count(byOutcome, Outcome.HIT), count(byOutcome, Outcome.STALE),
                count(byOutcome, Outcome.COALESCED), count(byOutcome, Outcome.MISS), count(byOutcome, Outcome.FALLBACK));
    }

    private static long count(Map<Outcome, Counter> counters, Outcome outcome) {
        Counter counter = counters.get(outcome);
        return counter == null ? 0 : (long) counter.count();
    }
}
