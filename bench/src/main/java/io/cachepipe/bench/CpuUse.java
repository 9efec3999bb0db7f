package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU used over a window, from {@code /proc} (Linux): by a set of processes, and by the machine as a
 * whole. Says which was the limit of a run: parts that used their quota, or a machine with no idle
 * core left.
 */
final class CpuUse {
    /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}, 100 on every Linux build in use). */
    private static final double TICKS_PER_SECOND = 100;

    /**
     * @param parts   CPUs the processes used on average (1.0 = one core busy all the time)
     * @param machine share of all the machine's cores that were busy, 0..1
     */
    record Usage(double parts, double machine) {
    }

    private final List<PartProcess> processes;
    private final long startNanos;
    private final long startParts;
    private final long[] startMachine;

    private CpuUse(List<PartProcess> processes) {
        this.processes = List.copyOf(processes);
        this.startNanos = System.nanoTime();
        this.startParts = ticks(this.processes);
        this.startMachine = machineTicks();
    }

    /** Starts measuring {@code processes} (running ones) and the machine. */
    static CpuUse of(List<PartProcess> processes) {
        return new CpuUse(processes);
    }

    /** What was used since {@link #of}. */
    Usage usage() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long[] machine = machineTicks();
        long total = machine[0] - startMachine[0];
        long busy = machine[1] - startMachine[1];
        return new Usage((ticks(processes) - startParts) / TICKS_PER_SECOND / seconds, total == 0 ? 0 : busy / (double) total);
    }

    private static long ticks(List<PartProcess> processes) {
        long sum = 0;
        for (PartProcess process : processes) {
            sum += ticks(process.pid());
        }
        return sum;
    }

    /** utime + stime of one process, all its threads. */
    private static long ticks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which is in parentheses and may hold spaces: state is the first.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** All ticks and busy ticks (not idle, not waiting for I/O) of every core since boot. */
    private static long[] machineTicks() {
        String[] fields = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) { // user .. steal; guest time is already in user
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] {total, total - idle};
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (CPU use is measured on Linux only): " + e.getMessage(), e);
        }
    }
}
