package io.cachepipe.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The change rate the pipeline sustains: writes straight to PostgreSQL at a fixed rate, doubled step
 * by step, until the pipeline no longer keeps up. A step is <b>bounded</b> when its commit →
 * invalidated p99 and the time to drain what was left when the writers stopped both stay within the
 * lag bound; the knee is the highest bounded rate. When the writers themselves cannot reach a rate
 * (PostgreSQL's commit rate on this machine), the sweep ends there and says so: the pipeline was not
 * the limit.
 */
final class ChangeRateSweep {
    record Options(double startRate, double maxRate, Duration step, Duration lagBound, int writers) {
    }

    private final BenchPipeline system;
    private final Workload workload;
    private final Options options;
    private final PrintStream out;

    ChangeRateSweep(BenchPipeline system, Workload workload, Options options, PrintStream out) {
        this.system = system;
        this.workload = workload;
        this.options = options;
        this.out = out;
    }

    Report.ChangeRate run() throws InterruptedException {
        List<Report.ChangeRateStep> steps = new ArrayList<>();
        double knee = 0;
        String limitedBy = "the sweep's highest rate (" + (long) options.maxRate() + "/s)";
        double boundMs = options.lagBound().toMillis();
        for (double rate = options.startRate(); rate <= options.maxRate(); rate *= 2) {
            FreshnessWindow window = FreshnessWindow.open(system.pipeline().metrics());
            long written;
            long started = System.nanoTime();
            try (ChangeWriter writer = ChangeWriter.atRate(system.writerPool(), workload, rate, options.writers())) {
                Thread.sleep(options.step().toMillis());
                writer.close();
                written = writer.written();
            }
            double achieved = written / ((System.nanoTime() - started) / 1e9);
            long drainStarted = System.nanoTime();
            system.pipeline().awaitCaughtUp(Duration.ofMinutes(5));
            double drainMs = (System.nanoTime() - drainStarted) / 1e6;
            Report.Percentiles invalidated = window.close().invalidated();
            boolean bounded = invalidated.p99() <= boundMs && drainMs <= boundMs;
            steps.add(new Report.ChangeRateStep(rate, achieved, invalidated, drainMs, bounded));
            out.printf(Locale.ROOT, "  changes %,7.0f/s target, %,7.0f/s written: commit->invalidated p50 %7.1f p99 %8.1f ms,"
                    + " drained in %7.1f ms%s%n", rate, achieved, invalidated.p50(), invalidated.p99(), drainMs, bounded ? "" : "  (lag unbounded)");
            if (!bounded) {
                limitedBy = "the pipeline: lag grew past " + options.lagBound().toMillis() + " ms";
                break;
            }
            knee = achieved;
            if (achieved < 0.9 * rate) {
                limitedBy = "the writers: PostgreSQL committed at most " + Math.round(achieved) + " single-row transactions/s over "
                        + options.writers() + " connections";
                break;
            }
        }
        return new Report.ChangeRate(boundMs, steps, knee, limitedBy);
    }
}
