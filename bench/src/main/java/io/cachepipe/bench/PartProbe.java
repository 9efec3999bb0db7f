package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a part process says about itself: its own counters ({@code /metrics} on its admin port), so a
 * benchmark counts the work the way the process does, and the CPU its JIT compilers have used, so a
 * benchmark can tell a warm process from one still compiling.
 */
final class PartProbe {
    static final String INVALIDATOR_CHANGES = "cachepipe_invalidator_changes_total";
    static final String WARMER_LOADS = "cachepipe_warmer_loads_total";
    private static final Pattern COMPILER_THREAD = Pattern.compile("(C1|C2|JVMCI) Compiler.*");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PartProbe() {
    }

    /** Changes an invalidator has processed since it started. */
    static long changesProcessed(PartProcess invalidator) {
        return counter(invalidator, INVALIDATOR_CHANGES);
    }

    static long[] changesProcessed(List<PartProcess> invalidators) {
        return invalidators.stream().mapToLong(PartProbe::changesProcessed).toArray();
    }

    /**
     * One counter of a part (every label set summed), from its admin port's {@code /metrics}, asking for
     * that metric alone: the whole page of a Kafka Streams process costs it milliseconds of CPU, and the
     * stage benchmark asks every 50 ms while it measures that process's CPU.
     */
    static long counter(PartProcess part, String name) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + part.readyPort() + "/metrics?name%5B%5D=" + name))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return Math.round(sum(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body(), name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics of " + part + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the metrics of " + part, e);
        }
    }

    /** The sum of every series of {@code name} in a Prometheus text exposition. */
    static double sum(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * CPU seconds the process's JIT compiler threads have used so far, from {@code /proc/<pid>/task/}: so
     * much of the process's own CPU went to compiling, not to its work. CPU rather than HotSpot's own
     * compile time ({@code java.ci.totalTime}), which is wall time per compilation: one under way when
     * the process is frozen would count the whole freeze. Readable while the process is frozen or
     * busy, and without attaching to it.
     */
    static double jitSeconds(long pid) {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    if (isCompilerThread(stat)) {
                        ticks += CpuUse.processTicks(stat);
                    }
                } catch (IOException ended) {
                    // a thread that ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid + ": " + e.getMessage(), e);
        }
        return ticks / CpuUse.TICKS_PER_SECOND;
    }

    static double jitSeconds(List<PartProcess> parts) {
        return parts.stream().mapToDouble(part -> jitSeconds(part.pid())).sum();
    }

    /** HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1" (the kernel keeps 15 characters), or "JVMCI CompilerThread0". */
    static boolean isCompilerThread(String taskStat) {
        String name = taskStat.substring(taskStat.indexOf('(') + 1, taskStat.lastIndexOf(')'));
        return COMPILER_THREAD.matcher(name).matches();
    }
}
