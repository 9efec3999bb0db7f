package io.cachepipe.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bench stages} measured, as written to {@code stages.json} and read back for
 * docs/benchmarks.md: each stage of the pipeline alone on a backlog, then a rebuild beside the
 * pipelined-{@code SET} baseline.
 *
 * @param backlog        changes written per measured drain
 * @param warmUpRounds   quarter-size drains run before, until every stage's JIT had settled
 * @param rebuildToSet   the rebuild's rows/s over the pipelined SET's keys/s, same keys and value sizes, same run
 */
record StagesReport(Report.Meta meta, int products, int categories, long backlog, int warmUpRounds, List<Stage> stages,
                    double rebuildToSet) {
    static final String CDC = "cdc-capture → Kafka";
    static final String INVALIDATOR = "invalidator";
    static final String WARMER = "warmer";
    static final String REBUILD = "cachepipe rebuild";
    static final String PIPELINED_SET = "pipelined SET (Lettuce)";

    /**
     * One stage's measured window.
     *
     * @param unit           what it processes: changes, warm requests, rows, keys
     * @param items          units processed inside the window
     * @param itemsPerChange units the backlog made per change (warm requests per change); 0 when the stage is not per change
     * @param seconds        the window: from the first progress after the thaw until the backlog was through
     * @param cpuSeconds     CPU the stage's process used in the window (a rebuild: its whole life, JVM start included)
     * @param processCores   its CPU over its time (1.0 = one core busy throughout)
     * @param machineBusy    share of the machine's cores busy meanwhile, 0..1
     * @param jitSeconds     CPU its JIT compiler threads used in the window (a rebuild: its whole life), part of cpuSeconds
     * @param startSeconds   thaw to first progress (rejoining a group, reconnecting); a rebuild: JVM start to reading
     * @param stackCores     cores the dev stack's servers used in the window (Kafka, PostgreSQL, Redis)
     * @param redisCalls     Redis commands the stage caused, per command, from thaw to the window's end
     * @param counts         what else the stage did, e.g. warm requests sent, database loads
     */
    record Stage(String name, String unit, long items, double itemsPerChange, double seconds, double cpuSeconds, double processCores,
                 double machineBusy, double jitSeconds, double startSeconds, Map<String, Double> stackCores, Map<String, Long> redisCalls,
                 Map<String, Long> counts) {
        double perSecond() {
            return items / seconds;
        }

        /** The same window counted in other units, e.g. the keys a rebuild left rather than the writes it made. */
        Stage counting(String newUnit, long newItems) {
            return new Stage(name, newUnit, newItems, itemsPerChange, seconds, cpuSeconds, processCores, machineBusy, jitSeconds,
                    startSeconds, stackCores, redisCalls, counts);
        }

        double cpuMicrosPerItem() {
            return items == 0 ? 0 : cpuSeconds * 1e6 / items;
        }

        /** CPU per change of the backlog, for a stage whose units follow from changes; 0 otherwise. */
        double cpuMicrosPerChange() {
            return cpuMicrosPerItem() * itemsPerChange;
        }

        /**
         * Cores busy on the machine besides the stage and the stack's servers: other work on a shared
         * machine (builds, tests), and the rest of this benchmark.
         */
        double otherCores(int machineCores) {
            double servers = stackCores.values().stream().mapToDouble(Double::doubleValue).sum();
            return Math.max(0, machineBusy * machineCores - processCores - servers);
        }

        /**
         * What bounded the figure, as far as CPU tells: a machine with no idle core (and who kept it
         * busy), the process's own CPU, or neither, so the stage waited on round trips or on one busy
         * thread of its own.
         */
        String limitedBy(int machineCores) {
            double servers = stackCores.values().stream().mapToDouble(Double::doubleValue).sum();
            if (machineBusy >= 0.9) {
                return String.format(Locale.ROOT, "the machine: %.0f%% busy (stage %.2f, servers %.2f, other work %.2f cores)",
                        100 * machineBusy, processCores, servers, otherCores(machineCores));
            }
            if (processCores >= 0.85) {
                return String.format(Locale.ROOT, "its own CPU (%.2f cores)", processCores);
            }
            return String.format(Locale.ROOT, "waiting: round trips or one thread (stage %.2f, servers %.2f cores, machine %.0f%% busy)",
                    processCores, servers, 100 * machineBusy);
        }
    }

    Stage stage(String name) {
        return stages.stream().filter(stage -> stage.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + name));
    }
}
