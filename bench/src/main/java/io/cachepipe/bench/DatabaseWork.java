package io.cachepipe.bench;

import io.cachepipe.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the changes of a window of a run made the pipeline load from the database, from its own
 * meters: keys the warmer reloaded ({@link MetricNames#WARMER_LOADS}) and queries of views' values by
 * any cause ({@link MetricNames#DB_LOADS}), as the difference of two readings, per row change written.
 */
final class DatabaseWork {
    /** Per row change: keys re-warmed, and database queries (one key or a batch each). */
    record PerChange(double rewarms, double loads) {
    }

    private final MeterRegistry registry;
    private final double rewarmsAtStart;
    private final long loadsAtStart;

    private DatabaseWork(MeterRegistry registry) {
        this.registry = registry;
        this.rewarmsAtStart = rewarms(registry);
        this.loadsAtStart = loads(registry);
    }

    static DatabaseWork open(MeterRegistry registry) {
        return new DatabaseWork(registry);
    }

    /** Since {@link #open}, per row change of the {@code changes} written meanwhile. */
    PerChange close(long changes) {
        if (changes <= 0) {
            return new PerChange(0, 0);
        }
        return new PerChange((rewarms(registry) - rewarmsAtStart) / changes, (double) (loads(registry) - loadsAtStart) / changes);
    }

    private static double rewarms(MeterRegistry registry) {
        return registry.find(MetricNames.WARMER_LOADS).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static long loads(MeterRegistry registry) {
        return registry.find(MetricNames.DB_LOADS).timers().stream().mapToLong(Timer::count).sum();
    }
}
