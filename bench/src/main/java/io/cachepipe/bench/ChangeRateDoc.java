package io.cachepipe.bench;

import static io.cachepipe.bench.Markdown.fmt;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The sustained change rate section of docs/benchmarks.md, from {@code load.json}'s sweeps: the
 * method, each sweep's knee against PostgreSQL alone (before and after it), its steps, and the chart.
 */
final class ChangeRateDoc {
    private final Markdown md = new Markdown();

    private ChangeRateDoc() {
    }

    /** The section of docs/benchmarks.md: either sweep may be missing, not both. */
    static String markdown(Report.@Nullable ChangeRate single, Report.@Nullable ChangeRate bulk, String charts) {
        var doc = new ChangeRateDoc();
        doc.sweeps(single, bulk, charts);
        return doc.md.toString();
    }

    private void sweeps(Report.@Nullable ChangeRate single, Report.@Nullable ChangeRate bulk, String charts) {
        md.line("## Sustained change rate");
        md.line("");
        Report.ChangeRate any = single != null ? single : bulk;
        if (any == null) {
            throw new IllegalArgumentException("no change-rate sweep to describe");
        }
        double bound = any.lagBoundMs();
        md.line(fmt("Writes straight to PostgreSQL at a fixed rate of row changes, doubled each step, no read load; once a step is unbounded, "
                + "one more halfway between it and the last bounded one. A step is bounded when commit → invalidated p99 and the time to "
                + "drain after the writers stop both stay under %.0f ms. Before each sweep and again after it, in the same run, the same "
                + "writers run unpaced with the pipeline stopped: what PostgreSQL alone commits on this machine, the figure the knee is "
                + "measured against (the higher of the two: the writers do not fill the machine, each waits for its commit's flush, and "
                + "that latency moved the figure by up to a third within one run on 2026-12-06; reports from before that day measured it "
                + "once, before). "
                + "Then one step at the first rate, not recorded, warms the paths of small batches, and each step starts once the JIT "
                + "has been idle for a second (everything runs in one JVM). Compare sweeps only between runs of the same shape on the "
                + "same machine: on one build machine three runs with `--no-read-path` (on a pipeline without the read path's minutes "
                + "of writes behind it) gave p50 22-30 ms at 100 changes/s and single-row knees of 1,130-3,115 row changes/s where its "
                + "full run gave 14.4 ms and 3,457; on the next, the same day (2026-12-06), two such runs gave 13.4-14.0 ms and "
                + "4,422-4,839 and its full run 11.6 ms and 4,306.", bound));
        md.line("");
        md.line("The drain time includes a watermark's round trip through the whole pipeline and the warm requests' way to the warmer"
                + " (runs before 2026-12-06 also waited for PostgreSQL's WAL writer to flush the watermark, up to 200 ms, and a fixed"
                + " 100 ms for those requests; an idle catch-up now takes about 40 ms). The whole stack (PostgreSQL with its walsender"
                + " decoding, Kafka, Redis, the pipeline and the writers) shares"
                + " the machine's two cores, so the knee is where the machine, not one part, runs out: each sweep's second table says"
                + " what every part spent per change at each rate, and the cost per stage below what each stage spends alone on a"
                + " backlog.");
        md.line("");
        md.line("*Re-warms / change* counts the keys the warmer reloaded per row change written in the step, *loads / change* the"
                + " database queries of views' values (re-warms and fills; one query loads one key or a batch of a view's keys), both"
                + " from the pipeline's own meters from the step's first write to the end of its drain (a dash in reports from before"
                + " 2026-12-06). A product change invalidates its row (rewritten from the row image, no load), its category's cached"
                + " listing pages and the category's aggregate; the warmer reloads those, one request per key per coalescing window"
                + " (20 ms) and, for the aggregate (a `refresh` view), at most once per `invalidator.rewarm-interval` (250 ms), so"
                + " the figure falls as the rate rises.");
        md.line("");
        md.line("*JIT cores* is what the bench JVM's compiler threads used over the same window (every part and the Kafka broker run"
                + " in that JVM, which keeps compiling as each rate takes new paths), *machine busy* the share of both cores in use"
                + " meanwhile: near 100% the machine, not the pipeline, set the step's latency. Dashes in reports written before these"
                + " were measured.");
        md.line("");
        md.line("*CPU per row change* says where the machine's time went in each step: CPU microseconds of each part, from the"
                + " step's first write to the end of its drain, over the row changes written. *PostgreSQL commits* is its backends"
                + " (the writers' transactions, checkpoints, autovacuum), *walsender* its logical decoding for cdc-capture; the bench"
                + " JVM, where every part, the Kafka broker and the writers run, is split by its threads' own CPU time: cdc-capture"
                + " (Debezium and its producer), the Kafka broker, the invalidator, the warmer, the Redis client (Lettuce's I/O"
                + " threads, shared by both), the writers (JDBC), the JIT's compiler threads, and the rest of that JVM (garbage"
                + " collection, threads no part claims); *rest of machine* is what else kept the cores busy (other processes, the"
                + " kernel). The row sums to the machine's busy time per change: a part's share of it is what that part took from"
                + " PostgreSQL, on a machine where every part competes for the same two cores. *Redis calls / change* counts every"
                + " command Redis ran in the same window (those a script calls included), in all and the three most called. A dash in"
                + " reports from before 2026-12-07.");
        md.line("");
        for (Report.ChangeRate sweep : java.util.Arrays.asList(single, bulk)) {
            if (sweep == null) {
                continue;
            }
            md.line("### " + capitalized(sweep.writer()));
            md.line("");
            md.line(fmt("**Knee: %,.0f row changes/s**, limited by %s.", sweep.kneePerSecond(), sweep.limitedBy())
                    + postgresAlone(sweep)
                    + (sweep.audited() > 0 ? fmt(" Audit once the sweep drained: %,d entries, **%d incoherent**.", sweep.audited(),
                    sweep.incoherent()) : ""));
            md.line("");
            md.line("| target /s | written /s | invalidated p50 ms | p99 ms | drain ms | bounded | re-warms / change | loads / change "
                    + "| JIT cores | machine busy |");
            md.line("| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
            for (Report.ChangeRateStep step : sweep.steps()) {
                md.line(fmt("| %,.0f | %,.0f | %.1f | %.1f | %.0f | %s | %s | %s | %s | %s |", step.targetPerSecond(),
                        step.achievedPerSecond(), step.invalidated().p50(), step.invalidated().p99(), step.drainMs(),
                        step.bounded() ? "yes" : "**no**", perChange(step.rewarmsPerChange()), perChange(step.loadsPerChange()),
                        step.machineBusy() > 0 ? fmt("%.2f", step.jitCores()) : "–",
                        step.machineBusy() > 0 ? fmt("%.0f%%", 100 * step.machineBusy()) : "–"));
            }
            md.line("");
            cpuPerChange(sweep);
        }
        md.line("![Change rate sweeps](" + charts + "/" + Charts.CHANGE_RATE + ")");
        md.line("");
    }

    /** Each step's CPU per row change by part, where the report has it; the share of PostgreSQL (commits and walsender) last. */
    private void cpuPerChange(Report.ChangeRate sweep) {
        if (sweep.steps().stream().allMatch(step -> step.cpuPerChange() == null)) {
            return;
        }
        md.line("CPU µs per row change, by part:");
        md.line("");
        md.line("| target /s | " + String.join(" | ", CpuPerChange.PARTS) + " | all | PostgreSQL's share | Redis calls / change |");
        md.line("| ---: |" + " ---: |".repeat(CpuPerChange.PARTS.size() + 3));
        for (Report.ChangeRateStep step : sweep.steps()) {
            Map<String, Double> parts = step.cpuPerChange();
            if (parts == null) {
                continue;
            }
            StringBuilder row = new StringBuilder(fmt("| %,.0f |", step.targetPerSecond()));
            CpuPerChange.PARTS.forEach(part -> row.append(fmt(" %.0f |", parts.getOrDefault(part, 0.0))));
            double all = parts.values().stream().mapToDouble(Double::doubleValue).sum();
            double postgres = parts.getOrDefault(CpuPerChange.POSTGRES, 0.0) + parts.getOrDefault(CpuPerChange.WALSENDER, 0.0);
            Map<String, Double> calls = step.redisCallsPerChange();
            row.append(fmt(" %.0f | %.0f%% | %s |", all, all > 0 ? 100 * postgres / all : 0, calls == null ? "–" : RedisProbe.perUnit(calls, 1)));
            md.line(row.toString());
        }
        md.line("");
    }

    /** A figure per change, or a dash in reports from before it was measured (2026-12-06). */
    private static String perChange(double figure) {
        return figure > 0 ? fmt("%.2f", figure) : "–";
    }

    /** What PostgreSQL alone committed for the sweep's writers, before and (since 2026-12-06) after it, and the knee against it. */
    private static String postgresAlone(Report.ChangeRate sweep) {
        if (sweep.postgresAlonePerSecond() <= 0) {
            return "";
        }
        if (sweep.postgresAloneAfterPerSecond() <= 0) {
            return fmt(" PostgreSQL alone committed %,.0f row changes/s for the same writers: the knee is **%.3f x** that.",
                    sweep.postgresAlonePerSecond(), sweep.kneeOverPostgres());
        }
        return fmt(" PostgreSQL alone committed %,.0f row changes/s for the same writers before the sweep and %,.0f after it: the knee "
                + "is **%.3f x** the higher (%.3f x the lower).", sweep.postgresAlonePerSecond(), sweep.postgresAloneAfterPerSecond(),
                sweep.kneeOverPostgres(), sweep.kneeOverPostgresLowest());
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
