package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a part process says about itself: its own counters ({@code /metrics} on its admin port), so a
 * benchmark counts the work the way the process does, and the time its JIT compilers have spent, so
 * a benchmark can tell a warm process from one still compiling.
 */
final class PartProbe {
    static final String INVALIDATOR_CHANGES = "cachepipe_invalidator_changes_total";
    static final String WARMER_LOADS = "cachepipe_warmer_loads_total";
    /**
     * The JVM option that makes a process print its compile time when it exits: for a process that runs
     * to completion, which {@code jcmd} cannot ask afterwards ({@link #jitSecondsAtExit} reads it).
     */
    static final String PRINT_JIT_TIME_AT_EXIT = "-XX:+CITime";
    private static final Pattern TOTAL_COMPILATION = Pattern.compile("Total compilation time\\s*:\\s*([0-9.]+) s");
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

    /** One counter of a part (every label set summed), from its admin port's {@code /metrics}. */
    static long counter(PartProcess part, String name) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + part.readyPort() + "/metrics"))
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
     * Milliseconds the process's JIT compilers have spent so far ({@code java.ci.totalTime}, read with
     * {@code jcmd PerfCounter.print}): compile time inside a measured window means the process was
     * still warming up. The process must be running: a frozen one cannot answer.
     */
    static long jitMillis(PartProcess part) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(part.pid()), "PerfCounter.print").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            long ticks = perfCounter(output, "java.ci.totalTime");
            long frequency = perfCounter(output, "sun.os.hrt.frequency");
            return ticks * 1000 / frequency;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + jcmd + " on " + part + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the JIT time of " + part, e);
        }
    }

    static long jitMillis(List<PartProcess> parts) {
        return parts.stream().mapToLong(PartProbe::jitMillis).sum();
    }

    private static long perfCounter(String perfCounters, String name) {
        return perfCounters.lines().filter(line -> line.startsWith(name + "=")).findFirst()
                .map(line -> Long.parseLong(line.substring(name.length() + 1).trim()))
                .orElseThrow(() -> new IllegalStateException("no " + name + " in jcmd PerfCounter.print"));
    }

    /** Compile seconds a process run with {@link #PRINT_JIT_TIME_AT_EXIT} printed when it exited; -1 if its output has none. */
    static double jitSecondsAtExit(String output) {
        Matcher matcher = TOTAL_COMPILATION.matcher(output);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }
}
