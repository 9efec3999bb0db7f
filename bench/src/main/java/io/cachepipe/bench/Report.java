package io.cachepipe.bench;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What {@code bench load} measured, as written to {@code load.json} and read back for a baseline
 * comparison and for docs/benchmarks.md. Latencies in milliseconds, rates per second.
 */
record Report(Meta meta, @Nullable ReadPath readPath, @Nullable ChangeRate changeRate, @Nullable ChangeRate bulkChangeRate,
              @Nullable ScaleOut scaleOut) {

    /** Where and how the run was made. */
    record Meta(String date, int cores, String java, String commit, Map<String, String> settings) {
    }

    record Percentiles(long count, double p50, double p95, double p99, double p999) {
        static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);

        /** From a histogram of microseconds. */
        static Percentiles ofMicros(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return NONE;
            }
            return new Percentiles(micros.getTotalCount(), micros.getValueAtPercentile(50) / 1000.0,
                    micros.getValueAtPercentile(95) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                    micros.getValueAtPercentile(99.9) / 1000.0);
        }
    }

    /** Commit → invalidation applied in Redis, and commit → re-warmed value written. */
    record Freshness(Percentiles invalidated, Percentiles warmed) {
    }

    /**
     * One mode of one endpoint: the saturated throughput, and latency at a fixed arrival rate that
     * every mode of the endpoint can sustain (open loop, corrected for coordinated omission).
     */
    record ModeResult(String mode, double throughput, double latencyRate, Percentiles latency, List<Double> latencyCurve,
                      double hitRate, long errors) {
    }

    /** The percentiles of each {@link ModeResult#latencyCurve()}, for the latency-by-percentile chart. */
    static final List<Double> CURVE_PERCENTILES = List.of(50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99);

    static List<Double> curve(Histogram micros) {
        return CURVE_PERCENTILES.stream().map(p -> micros.getTotalCount() == 0 ? 0.0 : micros.getValueAtPercentile(p) / 1000.0).toList();
    }

    /** Cached (a) against the no-op ceiling (c) and against the database every time (b). */
    record Ratios(double throughputCachedToNoop, double throughputCachedToUncached, double p50CachedToNoop,
                  double p99CachedToNoop, double p50UncachedToCached, double p99UncachedToCached) {
        static Ratios of(ModeResult cached, ModeResult uncached, ModeResult noop) {
            return new Ratios(cached.throughput() / noop.throughput(), cached.throughput() / uncached.throughput(),
                    cached.latency().p50() / noop.latency().p50(), cached.latency().p99() / noop.latency().p99(),
                    uncached.latency().p50() / cached.latency().p50(), uncached.latency().p99() / cached.latency().p99());
        }
    }

    record EndpointResult(String endpoint, String route, List<ModeResult> modes, Ratios ratios) {
        @Nullable ModeResult mode(String label) {
            return modes.stream().filter(m -> m.mode().equals(label)).findFirst().orElse(null);
        }
    }

    /**
     * The read path: every endpoint in every mode, the writes made meanwhile (a share of all requests,
     * straight to PostgreSQL), and how fresh the cache stayed under that load.
     */
    record ReadPath(int products, int categories, double zipfExponent, double writeShare, long writes, int connections,
                    double secondsPerRun, List<EndpointResult> endpoints, Freshness freshness, Audit audit) {
        @Nullable EndpointResult endpoint(String name) {
            return endpoints.stream().filter(e -> e.endpoint().equals(name)).findFirst().orElse(null);
        }
    }

    /** The consistency audit after the load: every cached entry compared with the database. */
    record Audit(long checked, long incoherent, long unconfirmed, List<String> examples) {
        Audit {
            examples = examples == null ? List.of() : List.copyOf(examples); // absent in reports written before it existed
        }
    }

    /**
     * One step of a change-rate sweep.
     *
     * @param rewarmsPerChange keys the warmer reloaded per row change written in the step (0 in reports from before 2026-12-06)
     * @param loadsPerChange   database queries of views' values (warms and fills, each one key or a batch) per row change
     * @param jitCores         cores the bench JVM's JIT compiler threads used from the step's first write to the end of its
     *                         drain (every part runs in that JVM; 0 in older reports)
     * @param machineBusy      share of the machine's cores busy meanwhile, 0..1 (0 in older reports)
     * @param cpuPerChange     CPU microseconds per row change written, by part of the stack ({@link CpuPerChange#PARTS}), over
     *                         the same window; null in reports from before 2026-12-07
     * @param redisCallsPerChange Redis commands called in the same window per row change written, by command (those a
     *                         script calls included); null in reports from before 2026-12-07
     */
    record ChangeRateStep(double targetPerSecond, double achievedPerSecond, Percentiles invalidated, double drainMs,
                          boolean bounded, double rewarmsPerChange, double loadsPerChange, double jitCores, double machineBusy,
                          @Nullable Map<String, Double> cpuPerChange, @Nullable Map<String, Double> redisCallsPerChange) {
    }

    /**
     * The sweep, and the highest rate the pipeline held with bounded lag (the knee).
     *
     * @param writer                 how the writers write (single-row commits, 100-row transactions)
     * @param postgresAlonePerSecond row changes PostgreSQL committed for the same writers, unpaced, with the pipeline stopped,
     *                               before the sweep
     * @param postgresAloneAfterPerSecond the same once the sweep drained (0 in reports from before it was measured twice)
     * @param audited                cache entries the audit compared with the database once the sweep drained; -1 if not run
     * @param incoherent             of those, entries that differed from the database
     */
    record ChangeRate(double lagBoundMs, List<ChangeRateStep> steps, double kneePerSecond, String limitedBy, String writer,
                      double postgresAlonePerSecond, double postgresAloneAfterPerSecond, long audited, long incoherent) {
        /** Reports from before the writer shapes were single-row sweeps. */
        ChangeRate {
            writer = writer == null ? ChangeWriter.Shape.SINGLE_ROW.description : writer;
        }

        /**
         * The higher of PostgreSQL's two runs alone, before and after the sweep: set by commit latency, that figure
         * moved by up to a third within one run on the build machine, so the knee is measured against the better of two.
         */
        double postgresAloneHighest() {
            return Math.max(postgresAlonePerSecond, postgresAloneAfterPerSecond);
        }

        /** The knee over the higher of what PostgreSQL alone committed for the same writers; NaN when not measured. */
        double kneeOverPostgres() {
            return postgresAloneHighest() > 0 ? kneePerSecond / postgresAloneHighest() : Double.NaN;
        }

        /** The knee over the lower of the two runs alone, when both ran; NaN otherwise. */
        double kneeOverPostgresLowest() {
            double lowest = Math.min(postgresAlonePerSecond, postgresAloneAfterPerSecond);
            return lowest > 0 ? kneePerSecond / lowest : Double.NaN;
        }
    }

    /** Several processes of each part against one stack. */
    /** @param cpuLimit CPUs each process could use (its own cgroup quota); 0 when unlimited */
    record ScaleOut(List<ScaleOutRun> runs, List<String> invalidatorAssignments, List<String> warmerAssignments,
                    long staleAfterAudit, long checkedByAudit, double cpuLimit) {
    }

    /**
     * @param readCpu          CPUs the API processes used while reads were measured
     * @param readMachineBusy  share of the machine's cores busy meanwhile, 0..1
     * @param drainCpu         CPUs the invalidators used while the backlog drain was measured
     * @param drainMachineBusy share of the machine's cores busy meanwhile
     * @param drainJitShare    share of the invalidators' CPU in the measured drains that their JIT compiler threads used, 0..1
     *                         (0 in reports from before it was measured)
     * @param drainPerInstance changes each invalidator processed in the measured drain window
     */
    record ScaleOutRun(String layout, int apiProcesses, double readThroughput, double changesPerSecond, double readCpu,
                       double readMachineBusy, double drainCpu, double drainMachineBusy, List<Long> drainPerInstance,
                       double drainJitShare) {
    }
}
