package io.cachepipe.bench;

import io.cachepipe.core.config.Parsers;
import io.cachepipe.core.json.Json;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.DevStackOptions;
import io.cachepipe.testsupport.TestNamespace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench}: the benchmarks, each on its own fresh dev stack. {@code load} measures the read
 * path, freshness under load, the change-rate knee and scale-out; {@code pattern} measures pattern
 * invalidation against SCAN+DEL; {@code stages} measures each pipeline stage alone ({@link StagesCommand});
 * {@code demo} times the demo's start ({@link DemoStartCommand}); {@code docs} rewrites docs/benchmarks.md
 * from the published reports. The JMH micro-benchmarks are not a subcommand: {@code bin/bench jmh} hands
 * its arguments to JMH's own runner.
 * With {@code --publish}, reports and charts go to docs/benchmarks/ and the page is rewritten.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Load.class, BenchCommand.Pattern.class,
        StagesCommand.class, ConsistencyCommand.class, DemoStartCommand.class, BenchCommand.Docs.class},
        description = "cachepipe benchmarks on real servers, compared side by side in one run.")
public final class BenchCommand {
    static final Path PUBLISHED = Path.of("docs", "benchmarks");
    static final Path PAGE = Path.of("docs", "benchmarks.md");
    static final String LOAD_JSON = "load.json";
    static final String PATTERN_JSON = "pattern.json";
    static final String STAGES_JSON = "stages.json";
    static final String CONSISTENCY_JSON = "consistency.json";
    /** How long each step of a change-rate sweep waits at most for the JIT to go quiet. */
    static final Duration JIT_WAIT = Duration.ofSeconds(30);
    /** A run of {@code bench stages} kept from before a change to the pipeline, for the page's before/after table. */
    static final String STAGES_BEFORE_JSON = "stages-before.json";

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).registerConverter(Duration.class, BenchCommand::duration).execute(args));
    }

    private static Duration duration(String text) {
        return Parsers.duration(Duration.ZERO, Duration.ofHours(1)).parse(text);
    }

    /** Options every benchmark shares: where the stack lives and where results go. */
    static class Common {
        @Option(names = "--data-dir", description = "dev stack binaries and data (default: ${DEFAULT-VALUE}); emptied first")
        Path dataDir = Path.of("bench", "target", "bench-stack");

        @Option(names = "--out", description = "where reports and charts go (default: ${DEFAULT-VALUE})")
        Path out = Path.of("bench", "target", "bench");

        @Option(names = "--publish", description = "write to docs/benchmarks/ and regenerate docs/benchmarks.md")
        boolean publish;

        Path outDir() throws IOException {
            return Files.createDirectories(publish ? PUBLISHED : out);
        }

        @Option(names = "--no-fsync", description = "run PostgreSQL without fsync, as the tests do (by default the benchmarks' "
                + "PostgreSQL flushes its WAL on commit, as a production server does)")
        boolean noFsync;

        DevStack startStack() throws IOException {
            deleteRecursively(dataDir);
            return DevStack.start(DevStackOptions.fromEnvironment(dataDir).withPostgresFsync(!noFsync));
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Read path (cached, near cache off, uncached, no-op), freshness under load, change-rate knee, scale-out.")
    static final class Load extends Common implements Callable<Integer> {
        @Option(names = "--products") int products = 10_000;
        @Option(names = "--categories") int categories = 100;
        @Option(names = "--zipf", description = "Zipf exponent of the key popularity (default: ${DEFAULT-VALUE})") double zipf = 1.0;
        @Option(names = "--write-share", description = "share of requests that are writes to PostgreSQL (default: ${DEFAULT-VALUE})")
        double writeShare = 0.01;
        @Option(names = "--connections") int connections = 32;
        @Option(names = "--warm-up") Duration warmUp = Duration.ofSeconds(10);
        @Option(names = "--saturated", description = "seconds of each saturated (throughput) run") Duration saturated = Duration.ofSeconds(5);
        @Option(names = "--open-loop", description = "seconds of each open-loop (latency) run") Duration openLoop = Duration.ofSeconds(10);
        @Option(names = "--max-rate", description = "cap of the open-loop arrival rate, req/s") double maxRate = 5_000;
        @Option(names = "--sweep-start") double sweepStart = 100;
        @Option(names = "--sweep-max") double sweepMax = 25_600;
        @Option(names = "--sweep-step") Duration sweepStep = Duration.ofSeconds(5);
        @Option(names = "--sweep-writers") int sweepWriters = 8;
        @Option(names = "--lag-bound") Duration lagBound = Duration.ofSeconds(1);
        @Option(names = "--no-sweep", description = "skip the change-rate sweeps") boolean noSweep;
        @Option(names = "--bulk-sweep-start", description = "first rate of the sweep in 100-row transactions, row changes/s "
                + "(default: ${DEFAULT-VALUE})") double bulkSweepStart = 2_000;
        @Option(names = "--bulk-sweep-max") double bulkSweepMax = 512_000;
        @Option(names = "--no-bulk-sweep", description = "skip the sweep in 100-row transactions") boolean noBulkSweep;
        @Option(names = "--no-read-path", description = "skip the read-path runs (every key is still read once, so the sweep "
                + "invalidates and re-warms a warm cache)") boolean noReadPath;
        @Option(names = "--set", description = "a pipeline setting for this run, key=value as in docs/configuration.md "
                + "(repeatable), e.g. --set kafka.partitions=6 --set invalidator.threads=6") Map<String, String> overrides = new LinkedHashMap<>();
        @Option(names = "--no-scale-out", description = "skip the scale-out runs") boolean noScaleOut;
        @Option(names = "--cpu-limit", description = "scale-out: CPUs each part process may use, in a cgroup of its own as a pod's "
                + "CPU limit (needs a writable cgroup cpu controller); 0 = no limit (default: ${DEFAULT-VALUE})") double cpuLimit = 0;
        @Option(names = "--quick", description = "a smoke run: small catalog, 1-2 s runs") boolean quick;
        @Option(names = "--baseline", description = "an earlier load.json: flag figures that got worse, exit 1 if any") @Nullable Path baseline;
        @Option(names = "--tolerance", description = "relative change tolerated against the baseline (default: ${DEFAULT-VALUE})")
        double tolerance = 0.2;

        @Override
        public Integer call() throws Exception {
            if (quick) {
                products = Math.min(products, 1_000);
                categories = Math.min(categories, 20);
                warmUp = saturated = Duration.ofSeconds(1);
                openLoop = Duration.ofSeconds(2);
                sweepMax = Math.min(sweepMax, 400);
                bulkSweepMax = Math.min(bulkSweepMax, 4_000);
                sweepStep = Duration.ofSeconds(1);
            }
            if (noReadPath && (publish || baseline != null)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--no-read-path runs are exploratory: they cannot be published or compared with a baseline");
            }
            PrintStream out = System.out;
            Report report;
            var workload = Workload.catalog(products, categories, zipf);
            try (DevStack stack = startStack()) {
                Report.ReadPath read = null;
                Report.ChangeRate sweep = null;
                Report.ChangeRate bulkSweep = null;
                if (!noReadPath || !noSweep) {
                    try (BenchPipeline system = BenchPipeline.start(stack, products, categories, overrides)) {
                        if (noReadPath) {
                            out.printf(Locale.ROOT, "Reading every one of %,d keys once%n", workload.everyPath().size());
                            new LoadGenerator(system.address(BenchPipeline.Mode.CACHED), connections, new LongAdder()).once(workload.everyPath());
                        } else {
                            out.println("Read path");
                            read = new ReadBenchmark(system, workload,
                                    new ReadBenchmark.Options(warmUp, saturated, openLoop, connections, maxRate, writeShare), out).run();
                        }
                        if (!noSweep) {
                            out.println("Change-rate sweep, single-row commits");
                            sweep = new ChangeRateSweep(system, workload, new ChangeRateSweep.Options(sweepStart, sweepMax, sweepStep,
                                    lagBound, sweepWriters, ChangeWriter.Shape.SINGLE_ROW, JIT_WAIT), out).run();
                            if (!noBulkSweep) {
                                out.println("Change-rate sweep, 100-row transactions");
                                bulkSweep = new ChangeRateSweep(system, workload, new ChangeRateSweep.Options(bulkSweepStart, bulkSweepMax,
                                        sweepStep, lagBound, sweepWriters, ChangeWriter.Shape.HUNDRED_ROWS, JIT_WAIT), out).run();
                            }
                        }
                    }
                }
                Report.ScaleOut scaleOut = null;
                if (!noScaleOut) {
                    out.println("Scale-out");
                    scaleOut = new ScaleOutBenchmark(stack, new ScaleOutBenchmark.Options(products, categories,
                            quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10), quick ? 2_000 : 20_000, connections, cpuLimit), out).run();
                }
                report = new Report(meta(Map.of("products", Integer.toString(products), "categories", Integer.toString(categories),
                        "zipf", Double.toString(zipf), "writeShare", Double.toString(writeShare), "connections", Integer.toString(connections),
                        "quick", Boolean.toString(quick), "settings", overrides.toString())), read, sweep, bulkSweep, scaleOut);
            }
            Path dir = outDir();
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(LOAD_JSON).toFile(), report);
            if (noReadPath) {
                out.println("Report: " + dir.resolve(LOAD_JSON).toAbsolutePath() + " (no read path: no charts)");
                return 0;
            }
            Charts.write(report, dir);
            out.println("Report: " + dir.resolve(LOAD_JSON).toAbsolutePath());
            if (publish) {
                writePage();
            }
            return baseline == null ? 0 : compare(baseline, report, tolerance, out);
        }
    }

    @Command(name = "pattern", mixinStandardHelpOptions = true,
            description = "Invalidate one pattern among many keys: group index vs SCAN MATCH + DEL, p50/p99 and ratio.")
    static final class Pattern extends Common implements Callable<Integer> {
        @Option(names = "--keys", description = "cached keys (default: ${DEFAULT-VALUE})") int keys = 1_000_000;
        @Option(names = "--group-size", description = "keys per pattern (default: ${DEFAULT-VALUE})") int groupSize = 100;
        @Option(names = "--samples", description = "invalidations per method (default: ${DEFAULT-VALUE})") int samples = 100;
        @Option(names = "--scan-count", description = "SCAN's COUNT hint (default: ${DEFAULT-VALUE})") int scanCount = 1_000;

        @Override
        public Integer call() throws Exception {
            PatternReport report;
            try (DevStack stack = startStack()) {
                String namespace = TestNamespace.create(stack).keyPrefix();
                report = new PatternInvalidationBenchmark(new PatternInvalidationBenchmark.Options(keys, groupSize, samples, scanCount),
                        System.out).run(stack.redis().uri(), namespace);
            }
            Path dir = outDir();
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(PATTERN_JSON).toFile(), report);
            Charts.writePattern(report, dir);
            if (publish) {
                writePage();
            }
            return 0;
        }
    }

    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Redraw the charts and rewrite docs/benchmarks.md from docs/benchmarks/*.json, without measuring.")
    static final class Docs implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            Path load = PUBLISHED.resolve(LOAD_JSON);
            Path pattern = PUBLISHED.resolve(PATTERN_JSON);
            if (Files.exists(load)) {
                Charts.write(Json.mapper().readValue(load.toFile(), Report.class), PUBLISHED);
            }
            if (Files.exists(pattern)) {
                Charts.writePattern(Json.mapper().readValue(pattern.toFile(), PatternReport.class), PUBLISHED);
            }
            writePage();
            return 0;
        }
    }

    static int compare(Path baselineFile, Report report, double tolerance, PrintStream out) throws IOException {
        Report baseline = Json.mapper().readValue(baselineFile.toFile(), Report.class);
        if (baseline.readPath() == null) {
            throw new IllegalArgumentException(baselineFile + " has no read-path figures (a --no-read-path run): not a baseline");
        }
        List<Baseline.Finding> findings = Baseline.compare(baseline, report, tolerance);
        out.printf("Against %s (tolerance %.0f%%):%n", baselineFile, tolerance * 100);
        findings.forEach(finding -> out.println("  " + finding));
        long worse = findings.stream().filter(Baseline.Finding::regression).count();
        out.println(worse == 0 ? "No regression." : worse + " figure(s) got worse beyond the tolerance.");
        return worse == 0 ? 0 : 1;
    }

    static void writePage() throws IOException {
        Path load = PUBLISHED.resolve(LOAD_JSON);
        Path pattern = PUBLISHED.resolve(PATTERN_JSON);
        Report loadReport = Files.exists(load) ? Json.mapper().readValue(load.toFile(), Report.class) : null;
        PatternReport patternReport = Files.exists(pattern) ? Json.mapper().readValue(pattern.toFile(), PatternReport.class) : null;
        Path stages = PUBLISHED.resolve(STAGES_JSON);
        StagesReport stagesReport = Files.exists(stages) ? Json.mapper().readValue(stages.toFile(), StagesReport.class) : null;
        Path before = PUBLISHED.resolve(STAGES_BEFORE_JSON);
        StagesReport stagesBefore = Files.exists(before) ? Json.mapper().readValue(before.toFile(), StagesReport.class) : null;
        Path consistency = PUBLISHED.resolve(CONSISTENCY_JSON);
        ConsistencyReport consistencyReport = Files.exists(consistency)
                ? Json.mapper().readValue(consistency.toFile(), ConsistencyReport.class) : null;
        Files.writeString(PAGE, BenchmarksDoc.render(loadReport, patternReport, stagesReport, stagesBefore, consistencyReport, "benchmarks"));
        System.out.println("Wrote " + PAGE.toAbsolutePath());
    }

    static Report.Meta meta(Map<String, String> settings) {
        return new Report.Meta(Instant.now().toString(), Runtime.getRuntime().availableProcessors(), Runtime.version().toString(), gitCommit(),
                new LinkedHashMap<>(settings));
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String text = new String(git.getInputStream().readAllBytes()).strip();
            return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0 ? text : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
