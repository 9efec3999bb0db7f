package io.cachepipe.bench;

import io.cachepipe.ops.audit.AuditReport;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The change rate the pipeline sustains: writes straight to PostgreSQL at a fixed rate, doubled step
 * by step, until the pipeline no longer keeps up. A step is <b>bounded</b> when its commit →
 * invalidated p99 and the time to drain what was left when the writers stopped both stay within the
 * lag bound; the knee is the highest bounded rate. After the first unbounded step one more step runs
 * halfway (geometrically) between it and the last bounded one, so the knee is known within a factor
 * of 1.4, not 2.
 *
 * <p>Beside it, in the same run: what PostgreSQL alone commits for the same writers, unpaced, with the
 * pipeline stopped (no walsender decoding, nothing else on the machine), so that the knee reads as a
 * share of what the database can do here; once before the sweep and once after it, since that figure
 * is set by commit latency (the writers do not fill the machine: each waits for its commit's flush),
 * which moved by up to a third within one run on the build machine, and the knee is counted against
 * the higher. Then one unrecorded step at the first rate warms the paths of small batches, and each
 * step waits for the JIT to go quiet. When the writers themselves cannot reach a rate, the sweep ends
 * there and says so: the pipeline was not the limit. Once everything has drained, an audit compares
 * every cached entry with the database.
 */
final class ChangeRateSweep {
    /** @param jitWait how long a step may wait for the JIT to go quiet before it starts ({@link Duration#ZERO}: not at all) */
    record Options(double startRate, double maxRate, Duration step, Duration lagBound, int writers, ChangeWriter.Shape shape,
                   Duration jitWait) {
    }

    /** A rate no writer reaches: the writers commit as fast as PostgreSQL lets them. */
    private static final double UNPACED = 1e9;

    private final BenchPipeline system;
    private final Workload workload;
    private final Options options;
    private final PrintStream out;
    private final RedisProbe redis;
    private final StackCpu.Servers servers;

    ChangeRateSweep(BenchPipeline system, Workload workload, Options options, PrintStream out) {
        this.system = system;
        this.workload = workload;
        this.options = options;
        this.out = out;
        this.redis = new RedisProbe(system.pipeline().store().connector());
        try {
            this.servers = StackCpu.Servers.of(system.writerPool(), redis);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot find PostgreSQL's postmaster: " + e.getMessage(), e);
        }
    }

    Report.ChangeRate run() throws InterruptedException {
        double alone = postgresAlone("before the sweep");
        warmUp();
        List<Report.ChangeRateStep> steps = new ArrayList<>();
        double knee = 0;
        String limitedBy = "the sweep's highest rate (" + (long) options.maxRate() + "/s)";
        for (double rate = options.startRate(); rate <= options.maxRate(); rate *= 2) {
            Report.ChangeRateStep step = step(rate);
            steps.add(step);
            if (!step.bounded()) {
                limitedBy = "the pipeline: lag grew past " + options.lagBound().toMillis() + " ms";
                if (knee > 0) {
                    Report.ChangeRateStep between = step(Math.sqrt(knee * rate));
                    steps.add(between);
                    knee = between.bounded() ? between.achievedPerSecond() : knee;
                }
                break;
            }
            knee = step.achievedPerSecond();
            if (step.achievedPerSecond() < 0.9 * rate) {
                limitedBy = "the writers: PostgreSQL committed at most " + Math.round(step.achievedPerSecond()) + " row changes/s in "
                        + options.shape().description + " over " + options.writers() + " connections";
                break;
            }
        }
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(5));
        AuditReport audit = system.pipeline().audit().run(io.cachepipe.ops.audit.CacheAudit.Options.everything());
        double aloneAfter = postgresAlone("after the sweep");
        var report = new Report.ChangeRate(options.lagBound().toMillis(), steps, knee, limitedBy, options.shape().description, alone,
                aloneAfter, audit.checked(), audit.incoherent());
        out.printf(Locale.ROOT, "  knee %,.0f row changes/s = %.3f x PostgreSQL alone at its higher (%.3f x at its lower); audit after the "
                + "sweep: %,d entries, %d incoherent%n", knee, report.kneeOverPostgres(), report.kneeOverPostgresLowest(), audit.checked(),
                audit.incoherent());
        return report;
    }

    /**
     * One step at the first rate, not recorded. The catch-up after PostgreSQL alone compiles the paths of big batches; a
     * change or two at a time takes others (a lone change through the applier, Debezium's idle poll), and on two cores
     * their compiling doubled the first step's latency (C2 at half a core for its 30 s).
     */
    private void warmUp() throws InterruptedException {
        writeOneStep(options.startRate());
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(5));
        out.printf(Locale.ROOT, "  warm-up: %,.0f row changes/s for %.1f s, not recorded%n", options.startRate(),
                options.step().toMillis() / 1000.0);
    }

    private Report.ChangeRateStep step(double rate) throws InterruptedException {
        double boundMs = options.lagBound().toMillis();
        // Each step starts once this JVM's compilers were idle for a second (all parts run in it): a step measures the
        // pipeline, not the JIT catching up with the last one.
        DrainRounds.awaitCompiled(() -> PartProbe.jitSeconds(ProcessHandle.current().pid()), options.jitWait());
        FreshnessWindow window = FreshnessWindow.open(system.pipeline().metrics());
        DatabaseWork work = DatabaseWork.open(system.pipeline().metrics());
        CpuPerChange parts = CpuPerChange.start(servers);
        Map<String, Long> redisBefore = redis.commandCalls();
        // The writers' threads end with the step: their CPU is read before they do.
        Written written = writeOneStep(rate, parts::look);
        long drainStarted = System.nanoTime();
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(5));
        double drainMs = (System.nanoTime() - drainStarted) / 1e6;
        Report.Percentiles invalidated = window.close().invalidated();
        DatabaseWork.PerChange perChange = work.close(written.rows());
        CpuPerChange.Window cpu = parts.close(written.rows());
        CpuUse.Usage used = cpu.jit();
        Map<String, Double> cpuPerChange = cpu.microsPerChange();
        Map<String, Double> redisCalls = new TreeMap<>();
        RedisProbe.callsBetween(redisBefore, redis.commandCalls()).forEach((command, calls) ->
                redisCalls.put(command, written.rows() > 0 ? calls / (double) written.rows() : 0));
        boolean bounded = invalidated.p99() <= boundMs && drainMs <= boundMs;
        out.printf(Locale.ROOT, "  changes %,7.0f/s target, %,7.0f/s written: commit->invalidated p50 %7.1f p99 %8.1f ms,"
                + " drained in %7.1f ms, %.2f re-warms and %.2f loads per change; JIT %.2f cores, machine %.0f%% busy%s%n", rate,
                written.perSecond(), invalidated.p50(), invalidated.p99(), drainMs, perChange.rewarms(), perChange.loads(), used.parts(),
                100 * used.machine(), bounded ? "" : "  (lag unbounded)");
        out.println("    CPU µs per change: " + String.join(", ", cpuPerChange.entrySet().stream()
                .map(part -> String.format(Locale.ROOT, "%s %.0f", part.getKey(), part.getValue())).toList())
                + "; Redis calls per change " + RedisProbe.perUnit(redisCalls, 1));
        return new Report.ChangeRateStep(rate, written.perSecond(), invalidated, drainMs, bounded, perChange.rewarms(), perChange.loads(),
                used.parts(), used.machine(), cpuPerChange, redisCalls);
    }

    /** Row changes the writers committed in a step, and over how long. */
    private record Written(long rows, double seconds) {
        double perSecond() {
            return rows / seconds;
        }
    }

    /**
     * The writers at {@code rate} for one step, from opening their connections to the last commit's return;
     * answers the row changes they committed.
     */
    private Written writeOneStep(double rate) throws InterruptedException {
        return writeOneStep(rate, () -> { });
    }

    /** @param beforeStop run once the step's time is up, while the writer threads still live */
    private Written writeOneStep(double rate, Runnable beforeStop) throws InterruptedException {
        long started = System.nanoTime();
        try (ChangeWriter writer = ChangeWriter.atRate(system.writerPool(), workload, rate, options.writers(), options.shape())) {
            Thread.sleep(options.step().toMillis());
            beforeStop.run();
            writer.close();
            return new Written(writer.written(), (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * The writers unpaced for one step with cdc-capture, the invalidator and the warmer stopped; then
     * the pipeline resumes and catches up on what they wrote.
     */
    private double postgresAlone(String when) throws InterruptedException {
        system.pipeline().pause();
        double achieved;
        try {
            achieved = writeOneStep(UNPACED).perSecond();
        } finally {
            system.pipeline().resume();
        }
        out.printf(Locale.ROOT, "  PostgreSQL alone %s, %s over %d connections, pipeline stopped: %,.0f row changes/s%n", when,
                options.shape().description, options.writers(), achieved);
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(10));
        return achieved;
    }
}
