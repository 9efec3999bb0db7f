package io.cachepipe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Compares a report with an earlier one (the baseline) and flags what got worse by more than the
 * tolerance: throughput and the cached/no-op ratio falling, p50 and p99 rising, the hit rate falling
 * by more than a tenth of a point, freshness slowing, the sustained change rate falling. The ratio
 * to the no-op ceiling is the steadiest of them on a noisy machine, since both sides slow together.
 */
final class Baseline {
    /** One compared figure; {@code regression} when it moved the wrong way beyond the tolerance. */
    record Finding(String figure, double baseline, double current, boolean regression) {
        double change() {
            return baseline == 0 ? 0 : (current - baseline) / baseline;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-8s %-48s %12.3f -> %12.3f (%+6.1f%%)", regression ? "WORSE" : "ok", figure, baseline, current,
                    change() * 100);
        }
    }

    /** Hit rates are compared in absolute points: 0.001 is a tenth of a percentage point. */
    static final double HIT_RATE_POINTS = 0.001;

    private Baseline() {
    }

    static List<Finding> compare(Report baseline, Report current, double tolerance) {
        Report.ReadPath baselineRead = baseline.readPath();
        Report.ReadPath currentRead = current.readPath();
        if (baselineRead == null || currentRead == null) {
            throw new IllegalArgumentException("only runs with read-path figures compare (a --no-read-path run has none)");
        }
        List<Finding> findings = new ArrayList<>();
        for (Report.EndpointResult now : currentRead.endpoints()) {
            Report.EndpointResult before = baselineRead.endpoint(now.endpoint());
            if (before == null) {
                continue;
            }
            for (Report.ModeResult mode : now.modes()) {
                Report.ModeResult old = before.mode(mode.mode());
                if (old == null) {
                    continue;
                }
                String name = now.endpoint() + " " + mode.mode();
                findings.add(lower(name + " throughput (req/s)", old, mode, Report.ModeResult::throughput, tolerance));
                findings.add(higher(name + " p50 (ms)", old.latency().p50(), mode.latency().p50(), tolerance));
                findings.add(higher(name + " p99 (ms)", old.latency().p99(), mode.latency().p99(), tolerance));
                if (!mode.mode().equals(BenchPipeline.Mode.UNCACHED.label)) {
                    findings.add(new Finding(name + " hit rate", old.hitRate(), mode.hitRate(),
                            mode.hitRate() < old.hitRate() - HIT_RATE_POINTS));
                }
            }
            findings.add(lower(now.endpoint() + " cached/noop throughput ratio", before.ratios(), now.ratios(),
                    Report.Ratios::throughputCachedToNoop, tolerance));
        }
        Report.Freshness oldFreshness = baselineRead.freshness();
        Report.Freshness freshness = currentRead.freshness();
        findings.add(higher("commit -> invalidated p99 (ms)", oldFreshness.invalidated().p99(), freshness.invalidated().p99(), tolerance));
        findings.add(higher("commit -> re-warmed p99 (ms)", oldFreshness.warmed().p99(), freshness.warmed().p99(), tolerance));
        if (baseline.changeRate() != null && current.changeRate() != null) {
            findings.add(lower("sustained change rate (changes/s)", baseline.changeRate(), current.changeRate(),
                    Report.ChangeRate::kneePerSecond, tolerance));
        }
        if (baseline.bulkChangeRate() != null && current.bulkChangeRate() != null) {
            findings.add(lower("sustained change rate in 100-row transactions (changes/s)", baseline.bulkChangeRate(),
                    current.bulkChangeRate(), Report.ChangeRate::kneePerSecond, tolerance));
        }
        return findings;
    }

    private static <T> Finding lower(String figure, T baseline, T current, ToDoubleFunction<T> value, double tolerance) {
        double before = value.applyAsDouble(baseline);
        double now = value.applyAsDouble(current);
        return new Finding(figure, before, now, now < before * (1 - tolerance));
    }

    private static Finding higher(String figure, double before, double now, double tolerance) {
        return new Finding(figure, before, now, now > before * (1 + tolerance));
    }
}
