package io.cachepipe.bench;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code bench consistency} measured, as written to {@code consistency.json} and read back for
 * docs/benchmarks.md. Times in milliseconds.
 *
 * @param writesPerSecond the writers' target rate of single-row commits
 * @param moveShare       share of the writes that also moved the product to another category
 * @param fault           the faults injected, comma-separated, or {@code none}
 * @param faultSeconds    the faults' windows together: from each start until the pipeline had caught up again; 0 without
 * @param faults          each fault injected, in turn; a report from before several could be run has its one fault derived from
 *                        {@code fault} and {@code faultSeconds}
 * @param processCores    cores the benchmark's JVM used while the readers ran: readers, writers, the API, the pipeline and
 *                        the in-process Kafka broker (PostgreSQL and Redis are processes of their own)
 * @param machineBusy     share of the machine's cores busy meanwhile, 0..1
 * @param views           per view, the steady reads (outside every fault's window) and those that started during each fault
 */
record ConsistencyReport(Report.Meta meta, int products, int categories, long reads, double boundMs, double writesPerSecond,
                         double moveShare, int connections, double seconds, long written, long moved, long writeFailures, String fault,
                         double faultSeconds, double processCores, double machineBusy, List<View> views, List<Fault> faults) {
    static final String STEADY = "steady";
    /** The phase of the one fault of a report from before several could be run. */
    static final String DURING_FAULT = "during fault";

    ConsistencyReport {
        if (faults == null) { // a report written before faults were listed
            faults = fault.equals("none") ? List.of() : List.of(new Fault(fault, "", reads / 2, faultSeconds));
        }
        faults = List.copyOf(faults);
        views = List.copyOf(views);
    }

    /**
     * One fault of the run.
     *
     * @param atRead  reads sent when it began
     * @param seconds from its start until the pipeline had caught up again
     */
    record Fault(String name, String description, long atRead, double seconds) {
        /** The phase its reads are tallied in. */
        String phase() {
            return "during " + name;
        }
    }

    /**
     * The reads of one view in one phase.
     *
     * @param items         products checked (a listing page holds up to 20)
     * @param staleItems    of those, served an old counter
     * @param missingItems  products a listing page had to list and did not; null in reports from before it was checked
     * @param extraItems    products a listing page listed and must not have: not in the category, or not in the page's window
     * @param nines         −log10(staleBeyond / reads); with none beyond, log10(reads) and {@code atLeast}
     * @param atLeast       no read was stale beyond the bound: the rate is at least {@code nines}, as far as this many reads can tell
     * @param staleness     of the stale reads: p50, p99, max in ms
     */
    record View(String view, String route, String phase, long reads, long errors, long items, long staleItems, @Nullable Long missingItems,
                @Nullable Long extraItems, long fresh, long staleWithin, long staleBeyond, double nines, boolean atLeast, Staleness staleness) {
        static View of(String view, String route, String phase, ConsistencyTally tally) {
            boolean atLeast = tally.staleBeyond == 0;
            double nines = tally.reads == 0 ? 0
                    : atLeast ? Math.log10(tally.reads) : -Math.log10((double) tally.staleBeyond / tally.reads);
            var micros = tally.staleMicros;
            var staleness = micros.getTotalCount() == 0 ? new Staleness(0, 0, 0) : new Staleness(micros.getValueAtPercentile(50) / 1000.0,
                    micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0);
            return new View(view, route, phase, tally.reads, tally.errors, tally.items, tally.staleItems, tally.missingItems,
                    tally.extraItems, tally.fresh, tally.staleWithin, tally.staleBeyond, nines, atLeast, staleness);
        }

        /** The rate of stale-beyond-bound reads as people write it: "4.2 nines", or "≥ 5.3 nines". */
        String ninesText() {
            return reads == 0 ? "no reads" : (atLeast ? "≥ " : "") + String.format(java.util.Locale.ROOT, "%.1f nines", nines);
        }
    }

    record Staleness(double p50, double p99, double max) {
    }

    double readsPerSecond() {
        return seconds == 0 ? 0 : reads / seconds;
    }
}
