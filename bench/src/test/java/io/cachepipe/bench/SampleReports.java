package io.cachepipe.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Made-up reports with plausible figures, for the tests of what renders and compares them. */
final class SampleReports {
    private SampleReports() {
    }

    /** {@code speed} scales every throughput (and divides every latency) of the cache modes. */
    static Report load(double speed, double hitRate) {
        List<Report.EndpointResult> endpoints = new ArrayList<>();
        for (String name : List.of("product", "listing", "category", "reviews", "mixed")) {
            var cached = mode("cached", 9_000 * speed, 0.4 / speed, hitRate);
            var redis = mode("redis", 6_000 * speed, 0.7 / speed, hitRate);
            var uncached = mode("uncached", 2_000, 2.5, 0);
            var noop = mode("noop", 11_000, 0.3, 0);
            endpoints.add(new Report.EndpointResult(name, "/" + name, List.of(cached, redis, uncached, noop),
                    Report.Ratios.of(cached, uncached, noop)));
        }
        var freshness = new Report.Freshness(new Report.Percentiles(5_000, 15, 25, 40, 80), new Report.Percentiles(4_000, 22, 35, 60, 120));
        var read = new Report.ReadPath(10_000, 100, 1.0, 0.01, 12_345, 32, 10, endpoints, freshness, new Report.Audit(21_000, 0, 0, java.util.List.of()));
        var sweep = new Report.ChangeRate(1000, List.of(
                new Report.ChangeRateStep(100, 99, new Report.Percentiles(500, 14, 20, 30, 35), 180, true, 6.1, 0.4, 0.1, 0.8, null, null),
                new Report.ChangeRateStep(200, 198, new Report.Percentiles(1000, 15, 22, 35, 40), 190, true, 6.0, 0.3, 0.1, 0.8, cpuPerChange(), java.util.Map.of("hmget", 3.15, "hset", 2.56, "pexpire", 1.69, "get", 0.8)),
                new Report.ChangeRateStep(400, 300, new Report.Percentiles(1500, 900, 1500, 2400, 2600), 2500, false, 5.2, 0.2, 0.1, 0.8, null, null)),
                198, "the pipeline: lag grew past 1000 ms", "single-row commits", 4_000, 3_600, 21_000, 0);
        var bulk = new Report.ChangeRate(1000, List.of(
                new Report.ChangeRateStep(2_000, 1_990, new Report.Percentiles(20_000, 30, 45, 60, 70), 210, true, 0.05, 0.01, 0.1, 0.8, null, null),
                new Report.ChangeRateStep(4_000, 3_900, new Report.Percentiles(40_000, 900, 1500, 2400, 2600), 2500, false, 5.2, 0.2, 0.1, 0.8, null, null)),
                1_990, "the pipeline: lag grew past 1000 ms", "100-row transactions", 60_000, 0, 21_000, 0);
        var scaleOut = new Report.ScaleOut(List.of(new Report.ScaleOutRun("1 invalidator, 1 warmer, 1 API", 1, 5_000, 800, 0.25, 0.6, 0.25, 0.5, List.of(16_000L), 0.3),
                new Report.ScaleOutRun("2 invalidators, 2 warmers, 3 APIs", 3, 7_000, 900, 0.75, 0.9, 0.5, 0.95, List.of(8_000L, 8_100L), 0.05)),
                List.of("invalidator-1: changes-0, changes-2"), List.of("warmer-1: warm-1"), 0, 20_000, 0.5);
        return new Report(new Report.Meta("2026-11-29T12:00:00Z", 2, "25", "abc1234", Map.of("products", "10000")), read, sweep, bulk, scaleOut);
    }

    static PatternReport pattern() {
        return new PatternReport("2026-11-29T12:00:00Z", 1_000_000, 100, 100, 1000, 30,
                new Report.Percentiles(100, 0.4, 0.6, 0.9, 1.0), new Report.Percentiles(100, 450, 520, 610, 650), 1125, 678);
    }

    /** A stages run: cdc at 10,000 changes/s on its own core, the invalidator machine-bound, the warmer waiting. */
    static StagesReport stages() {
        Map<String, Double> stack = Map.of(StackCpu.KAFKA, 0.3, StackCpu.POSTGRES, 0.4, StackCpu.REDIS, 0.1);
        List<StagesReport.Stage> stages = List.of(
                new StagesReport.Stage(StagesReport.CDC, "changes", 48_000, 1, 4.8, 4.32, 0.9, 0.85, 0.05, 0.04, stack, Map.of(), Map.of()),
                new StagesReport.Stage(StagesReport.INVALIDATOR, "changes", 49_000, 1, 40, 44, 1.1, 0.95, 0.3, 0.2, stack,
                        Map.of("evalsha", 200_000L, "hset", 100_000L), Map.of("warm requests sent", 150_000L)),
                new StagesReport.Stage(StagesReport.WARMER, "warm requests", 140_000, 3, 5, 2.8, 0.56, 0.6, 0.1, 0.5, stack,
                        Map.of("evalsha", 5_000L), Map.of("warm requests", 150_000L, "database loads", 5_000L)),
                new StagesReport.Stage(StagesReport.REBUILD, "rows", 20_000, 0, 4, 10, 1.2, 0.8, 6, 1.5, stack,
                        Map.of("evalsha", 20_000L), Map.of("change records read", 160_000L)),
                new StagesReport.Stage(StagesReport.PIPELINED_SET, "keys", 20_000, 0, 0.4, 0.3, 0.75, 0.7, 0, 0,
                        Map.of(StackCpu.REDIS, 0.6), Map.of("set", 20_000L), Map.of()));
        return new StagesReport(new Report.Meta("2026-12-05T12:00:00Z", 2, "25", "abc1234", Map.of("changes", "50000")), 10_000, 100,
                50_000, 2, stages, 0.1);
    }

    private static Report.ModeResult mode(String name, double throughput, double p50, double hitRate) {
        var latency = new Report.Percentiles(10_000, p50, p50 * 3, p50 * 8, p50 * 20);
        return new Report.ModeResult(name, throughput, 1_000, latency,
                Report.CURVE_PERCENTILES.stream().map(p -> p50 * (1 + (p - 50) / 5)).toList(), hitRate, 0);
    }

    /** CPU per change of one step, by part: 500 µs in all, 220 of them PostgreSQL's. */
    static java.util.Map<String, Double> cpuPerChange() {
        java.util.Map<String, Double> parts = new java.util.LinkedHashMap<>();
        double[] micros = {180, 40, 60, 30, 25, 10, 50, 12, 45, 5, 20, 23};
        for (int i = 0; i < micros.length; i++) {
            parts.put(CpuPerChange.PARTS.get(i), micros[i]);
        }
        return parts;
    }
}
