package io.cachepipe.bench;

import io.cachepipe.bench.BenchPipeline.Mode;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The read path under a skewed read load with writes flowing: for each endpoint, the saturated
 * throughput and the open-loop latency of every {@link Mode}, the no-op ceiling included, measured
 * side by side in one run.
 *
 * <p>Per endpoint: every mode saturated (throughput), then every mode open loop at one arrival
 * rate, half of what the slowest cache mode sustained (so no mode is measured in overload), capped
 * by {@code maxRate}. Each measurement is split into {@link #ROUNDS} slices taken in turn, mode after
 * mode, so that drift on a shared machine (GC, compaction, a neighbour's load) falls on every mode
 * alike. Before any of it, every key is read once and the mix runs for the warm-up time on every
 * server; none of that counts.
 */
final class ReadBenchmark {
    /** The knobs of a run. */
    record Options(Duration warmUp, Duration saturated, Duration openLoop, int connections, double maxRate, double writeShare) {
    }

    static final int ROUNDS = 3;
    private static final List<Mode> CACHE_MODES = List.of(Mode.CACHED, Mode.REDIS, Mode.UNCACHED);
    private static final LoadGenerator.Paths NOOP = random -> "/noop";

    private final BenchPipeline system;
    private final Workload workload;
    private final Options options;
    private final PrintStream out;
    private final LongAdder reads = new LongAdder();

    ReadBenchmark(BenchPipeline system, Workload workload, Options options, PrintStream out) {
        this.system = system;
        this.workload = workload;
        this.options = options;
        this.out = out;
    }

    Report.ReadPath run() throws IOException, InterruptedException {
        warmUp();
        FreshnessWindow freshness = FreshnessWindow.open(system.pipeline().metrics());
        List<Report.EndpointResult> endpoints = new ArrayList<>();
        try (ChangeWriter writer = ChangeWriter.following(system.writerPool(), workload, reads, options.writeShare())) {
            for (Workload.Endpoint endpoint : workload.endpoints()) {
                endpoints.add(measure(endpoint));
            }
            writer.close();
            system.pipeline().awaitCaughtUp(Duration.ofMinutes(2));
            Report.Freshness fresh = freshness.close();
            AuditReport audit = system.pipeline().audit().run(CacheAudit.Options.everything());
            out.printf(Locale.ROOT, "audit after the load: %,d entries checked, %d incoherent, %d unconfirmed%n", audit.checked(),
                    audit.incoherent(), audit.unconfirmed());
            if (!audit.coherent()) {
                out.print(audit.render());
            }
            return new Report.ReadPath(workload.products(), workload.categories(), workload.exponent(), options.writeShare(),
                    writer.written(), options.connections(), options.openLoop().toMillis() / 1000.0, endpoints, fresh,
                    new Report.Audit(audit.checked(), audit.incoherent(), audit.unconfirmed(), audit.views().stream()
                            .flatMap(view -> view.examples().stream())
                            .map(finding -> finding.kind() + " " + finding.key() + " at " + finding.cachedVersion().pgLsn()).toList()));
        }
    }

    private void warmUp() throws IOException, InterruptedException {
        List<String> every = workload.everyPath();
        out.printf(Locale.ROOT, "warm-up: every one of %,d keys read once, then %s s of the mix on each server%n", every.size(),
                options.warmUp().toMillis() / 1000.0);
        for (Mode mode : List.of(Mode.CACHED, Mode.REDIS)) {
            long failed = generator(mode).once(every);
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + every.size() + " warm-up reads failed on the " + mode.label + " server");
            }
        }
        for (Mode mode : Mode.values()) {
            generator(mode).saturating(paths(mode, workload.endpoint("mixed")), options.warmUp(), 12);
        }
        system.pipeline().awaitCaughtUp(Duration.ofMinutes(2));
    }

    private Report.EndpointResult measure(Workload.Endpoint endpoint) throws IOException, InterruptedException {
        Map<Mode, LoadGenerator.Run> saturated = inRounds(endpoint, 0, options.saturated());
        double slowest = CACHE_MODES.stream().mapToDouble(mode -> of(saturated, mode).throughput()).min().orElseThrow();
        double rate = Math.min(options.maxRate(), slowest / 2);
        Map<Mode, BenchPipeline.CacheFigures> before = new EnumMap<>(Mode.class);
        for (Mode mode : CACHE_MODES) {
            before.put(mode, system.cacheFigures(mode));
        }
        Map<Mode, LoadGenerator.Run> open = inRounds(endpoint, rate, options.openLoop());
        List<Report.ModeResult> results = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            double hitRate = mode == Mode.NOOP ? 0 : system.cacheFigures(mode).minus(of(before, mode)).hitRate();
            LoadGenerator.Run latency = of(open, mode);
            var result = new Report.ModeResult(mode.label, of(saturated, mode).throughput(), rate, Report.Percentiles.ofMicros(latency.latency()),
                    Report.curve(latency.latency()), hitRate, of(saturated, mode).errors() + latency.errors());
            results.add(result);
            print(endpoint.name(), result);
        }
        var ratios = Report.Ratios.of(results.get(Mode.CACHED.ordinal()), results.get(Mode.UNCACHED.ordinal()),
                results.get(Mode.NOOP.ordinal()));
        out.printf(Locale.ROOT, "  %-9s cached/noop throughput %.2f, cached/uncached throughput %.1f, uncached/cached p99 %.1f%n",
                endpoint.name(), ratios.throughputCachedToNoop(), ratios.throughputCachedToUncached(), ratios.p99UncachedToCached());
        return new Report.EndpointResult(endpoint.name(), endpoint.route(), results, ratios);
    }

    /** A mode's figure in a map that has one for every mode (inRounds and the loop in measure fill them so). */
    private static <T> T of(Map<Mode, T> byMode, Mode mode) {
        T figure = byMode.get(mode);
        if (figure == null) {
            throw new IllegalStateException("no figure for mode " + mode.label);
        }
        return figure;
    }

    /** Every mode for {@code total}, in {@link #ROUNDS} slices taken in turn; open loop at {@code rate}, or saturating when 0. */
    private Map<Mode, LoadGenerator.Run> inRounds(Workload.Endpoint endpoint, double rate, Duration total) {
        Map<Mode, LoadGenerator.Run> runs = new EnumMap<>(Mode.class);
        Duration slice = total.dividedBy(ROUNDS);
        for (int round = 0; round < ROUNDS; round++) {
            for (Mode mode : Mode.values()) {
                LoadGenerator generator = generator(mode);
                LoadGenerator.Paths paths = paths(mode, endpoint);
                long seed = 31L * round + mode.ordinal();
                LoadGenerator.Run run = rate > 0 ? generator.atRate(paths, rate, slice, seed) : generator.saturating(paths, slice, seed);
                runs.merge(mode, run, LoadGenerator.Run::plus);
            }
        }
        return runs;
    }

    private static LoadGenerator.Paths paths(Mode mode, Workload.Endpoint endpoint) {
        return mode == Mode.NOOP ? NOOP : endpoint.paths();
    }

    private LoadGenerator generator(Mode mode) {
        return new LoadGenerator(system.address(mode), options.connections(), reads);
    }

    private void print(String endpoint, Report.ModeResult result) {
        out.printf(Locale.ROOT, "  %-9s %-9s %,9.0f req/s saturated | at %,7.0f req/s: p50 %6.2f  p95 %6.2f  p99 %6.2f  p99.9 %7.2f ms"
                        + " | hit rate %7.3f%% | errors %d%n",
                endpoint, result.mode(), result.throughput(), result.latencyRate(), result.latency().p50(), result.latency().p95(),
                result.latency().p99(), result.latency().p999(), result.hitRate() * 100, result.errors());
    }
}
