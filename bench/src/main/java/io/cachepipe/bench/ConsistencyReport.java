package io.cachepipe.bench;

import java.util.List;

/**
 * What {@code bench consistency} measured, as written to {@code consistency.json} and read back for
 * docs/benchmarks.md. Times in milliseconds.
 *
 * @param writesPerSecond the writers' target rate of single-row commits
 * @param moveShare       share of the writes that also moved the product to another category
 * @param fault           the fault injected mid-run, or {@code none}
 * @param faultSeconds    from the fault's start until the pipeline had caught up again; 0 without a fault
 * @param processCores    cores the benchmark's JVM used while the readers ran: readers, writers, the API, the pipeline and
 *                        the in-process Kafka broker (PostgreSQL and Redis are processes of their own)
 * @param machineBusy     share of the machine's cores busy meanwhile, 0..1
 * @param views           per view, the steady reads and (with a fault) those that started during it
 */
record ConsistencyReport(Report.Meta meta, int products, int categories, long reads, double boundMs, double writesPerSecond,
                         double moveShare, int connections, double seconds, long written, long moved, long writeFailures, String fault,
                         double faultSeconds, double processCores, double machineBusy, List<View> views) {
    static final String STEADY = "steady";
    static final String DURING_FAULT = "during fault";

    /**
     * The reads of one view in one phase.
     *
     * @param items         products checked (a listing page holds up to 20)
     * @param staleItems    of those, served an old counter
     * @param nines         −log10(staleBeyond / reads); with none beyond, log10(reads) and {@code atLeast}
     * @param atLeast       no read was stale beyond the bound: the rate is at least {@code nines}, as far as this many reads can tell
     * @param staleness     of the stale reads: p50, p99, max in ms
     */
    record View(String view, String route, String phase, long reads, long errors, long items, long staleItems, long fresh, long staleWithin,
                long staleBeyond, double nines, boolean atLeast, Staleness staleness) {
        static View of(String view, String route, String phase, ConsistencyTally tally) {
            boolean atLeast = tally.staleBeyond == 0;
            double nines = tally.reads == 0 ? 0
                    : atLeast ? Math.log10(tally.reads) : -Math.log10((double) tally.staleBeyond / tally.reads);
            var micros = tally.staleMicros;
            var staleness = micros.getTotalCount() == 0 ? new Staleness(0, 0, 0) : new Staleness(micros.getValueAtPercentile(50) / 1000.0,
                    micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0);
            return new View(view, route, phase, tally.reads, tally.errors, tally.items, tally.staleItems, tally.fresh, tally.staleWithin,
                    tally.staleBeyond, nines, atLeast, staleness);
        }

        /** The rate of stale-beyond-bound reads as people write it: "4.2 nines", or "≥ 5.3 nines". */
        String ninesText() {
            return (atLeast ? "≥ " : "") + String.format(java.util.Locale.ROOT, "%.1f nines", nines);
        }
    }

    record Staleness(double p50, double p99, double max) {
    }

    double readsPerSecond() {
        return seconds == 0 ? 0 : reads / seconds;
    }
}
