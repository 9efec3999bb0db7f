package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench demo}: what a newcomer waits for. {@code ./cachepipe demo} from an empty data directory,
 * round after round, its JVM once as the script runs it (C1 alone) and once with both compilers, one
 * right after the other so that both see the same machine. Each run gives the demo's own figures: the
 * wait for the initial snapshot, from the API's start and since the pipeline started, and the wait
 * before "ready" (servers, seed, pipeline, snapshot).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"./cachepipe demo from an empty data directory, its JVM with C1 alone (as the script runs it) and with "
                + "both compilers, in turns: the wait for the initial snapshot and the wait before ready, per run and median."})
final class DemoStartCommand implements Callable<Integer> {
    /** The demo's lines (DemoCommand, DemoBanner), which print seconds in {@code Locale.ROOT}. */
    static final Pattern CAUGHT_UP = Pattern.compile("Caught up in (\\d+\\.\\d) s \\((\\d+\\.\\d) s since the pipeline started\\)");
    static final Pattern READY = Pattern.compile("cachepipe demo is ready \\((\\d+\\.\\d) s\\)");
    /** The first run may build the demo jar (a minute or two) before it starts anything. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final int LINES_KEPT = 30;

    @Option(names = "--rounds", description = "runs of each compiler setting (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--out", description = "where the table goes, as demo-start.md (default: ${DEFAULT-VALUE})")
    Path out = Path.of("bench", "target", "bench");

    /** The demo JVM's compilers: {@code CACHEPIPE_JAVA_OPTS} comes after the script's own options and wins. */
    enum Jit {
        C1_ALONE("C1 alone (the script's default)", ""),
        BOTH("C1 and C2 (-XX:TieredStopAtLevel=4)", "-XX:TieredStopAtLevel=4");

        final String label;
        final String javaOptions;

        Jit(String label, String javaOptions) {
            this.label = label;
            this.javaOptions = javaOptions;
        }
    }

    /** One start, in seconds, as the demo printed them. */
    record Run(double caughtUp, double sincePipeline, double ready) {
    }

    @Override
    public Integer call() throws Exception {
        Path script = Path.of("cachepipe").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("no ./cachepipe here: run bin/bench from the repository's root");
        }
        Map<Jit, List<Run>> runs = new EnumMap<>(Jit.class);
        for (int round = 1; round <= rounds; round++) {
            for (Jit jit : Jit.values()) {
                Run run = start(script, jit);
                runs.computeIfAbsent(jit, any -> new ArrayList<>()).add(run);
                System.out.printf(Locale.ROOT, "round %d, %s: caught up %.1f s after the API's start, %.1f s after the pipeline's; "
                        + "ready in %.1f s%n", round, jit.label, run.caughtUp(), run.sincePipeline(), run.ready());
            }
        }
        String table = table(runs);
        System.out.println(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("demo-start.md"), table);
        return 0;
    }

    private static Run start(Path script, Jit jit) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("cachepipe-demo-start");
        var builder = new ProcessBuilder(script.toString(), "demo", "--data-dir", dataDir.toString(), "--api-port",
                Integer.toString(PartProcess.freePort())).redirectErrorStream(true);
        builder.environment().put("CACHEPIPE_JAVA_OPTS", jit.javaOptions);
        Process demo = builder.start();
        // A bench stopped with Ctrl-C stops its demo too, which would otherwise go on with its servers.
        Thread stopDemo = new Thread(() -> stop(demo, dataDir), "stop-demo");
        Runtime.getRuntime().addShutdownHook(stopDemo);
        CompletableFuture.delayedExecutor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).execute(demo::destroyForcibly);
        Deque<String> lastLines = new ArrayDeque<>();
        try (BufferedReader lines = demo.inputReader(StandardCharsets.UTF_8)) {
            double[] caughtUp = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lastLines.addLast(line);
                if (lastLines.size() > LINES_KEPT) {
                    lastLines.removeFirst();
                }
                Matcher waited = CAUGHT_UP.matcher(line);
                if (waited.find()) {
                    caughtUp = new double[] {Double.parseDouble(waited.group(1)), Double.parseDouble(waited.group(2))};
                }
                Matcher ready = READY.matcher(line);
                if (ready.find() && caughtUp != null) {
                    return new Run(caughtUp[0], caughtUp[1], Double.parseDouble(ready.group(1)));
                }
            }
            throw new IllegalStateException("the demo (" + jit.label + ") ended, or was stopped at the limit of " + RUN_TIMEOUT.toMinutes()
                    + " min, before it was ready; its last lines:\n" + String.join("\n", lastLines));
        } finally {
            if (withdrawn(stopDemo)) {
                stop(demo, dataDir);
            }
        }
    }

    /** False while the JVM shuts down: the hook stops the demo then. */
    private static boolean withdrawn(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** SIGTERM, on which the demo stops its pipeline, then its servers; then its data directory goes. */
    private static void stop(Process demo, Path dataDir) {
        demo.destroy();
        try {
            if (!demo.waitFor(1, TimeUnit.MINUTES)) {
                demo.destroyForcibly().waitFor();
            }
            BenchCommand.deleteRecursively(dataDir);
        } catch (IOException e) {
            System.err.println("Could not delete the demo's data directory " + dataDir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String table(Map<Jit, List<Run>> runs) {
        var text = new StringBuilder(String.format(Locale.ROOT, "| demo JVM (%d cores, medians of %d runs) | caught up, from the API's "
                + "start | since the pipeline started | ready |%n| --- | ---: | ---: | ---: |%n", Runtime.getRuntime().availableProcessors(),
                runs.values().stream().mapToInt(List::size).max().orElse(0)));
        runs.forEach((jit, list) -> text.append(String.format(Locale.ROOT, "| %s | %.1f s | %.1f s | %.1f s |%n", jit.label,
                median(list, Run::caughtUp), median(list, Run::sincePipeline), median(list, Run::ready))));
        List<Run> c1 = runs.get(Jit.C1_ALONE);
        List<Run> both = runs.get(Jit.BOTH);
        if (c1 != null && both != null) {
            text.append(String.format(Locale.ROOT, "| ratio | %.2f | %.2f | %.2f |%n", median(c1, Run::caughtUp) / median(both, Run::caughtUp),
                    median(c1, Run::sincePipeline) / median(both, Run::sincePipeline), median(c1, Run::ready) / median(both, Run::ready)));
        }
        return text.toString();
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
