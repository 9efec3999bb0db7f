package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * CPU used over a window, from {@code /proc} (Linux): by a set of processes, and by the machine as a
 * whole. Says which was the limit of a run: parts that used their quota, or a machine with no idle
 * core left.
 */
final class CpuUse {
    /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}, 100 on every Linux build in use). */
    static final double TICKS_PER_SECOND = 100;

    /**
     * @param parts   CPUs the processes used on average (1.0 = one core busy all the time)
     * @param machine share of all the machine's cores that were busy, 0..1
     * @param seconds how long the window was
     */
    record Usage(double parts, double machine, double seconds) {
        /** CPU seconds the processes used in the window. */
        double cpuSeconds() {
            return parts * seconds;
        }
    }

    private final LongSupplier ticks;
    private final long startNanos;
    private final long startTicks;
    private final long[] startMachine;

    private CpuUse(LongSupplier ticks) {
        this.ticks = ticks;
        this.startNanos = System.nanoTime();
        this.startTicks = ticks.getAsLong();
        this.startMachine = machineTicks(read(Path.of("/proc/stat")));
    }

    /** Starts measuring {@code processes} (running or frozen ones) and the machine. */
    static CpuUse of(List<PartProcess> processes) {
        List<PartProcess> measured = List.copyOf(processes);
        return new CpuUse(() -> measured.stream().mapToLong(process -> processTicks(process.pid())).sum());
    }

    /**
     * Starts measuring the children of this JVM that exit during the window, whole. A run-to-completion
     * child's {@code /proc} entry is gone by the time it is done, but the kernel adds a child's CPU time
     * to its parent's {@code cutime}/{@code cstime} once the parent reaps it, which the JDK's process
     * reaper does as soon as it exits. So no other child of this JVM may exit in the window (no
     * {@code kill} to freeze a part), or its time is counted too.
     */
    static CpuUse ofExitingChildren() {
        return new CpuUse(() -> reapedChildTicks(read(Path.of("/proc/self/stat"))));
    }

    /** Starts measuring this JVM (the bench, and the dev stack's in-process Kafka broker). */
    static CpuUse ofThisProcess() {
        return new CpuUse(() -> processTicks(ProcessHandle.current().pid()));
    }

    /** What was used since the start. */
    Usage usage() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long[] machine = machineTicks(read(Path.of("/proc/stat")));
        long total = machine[0] - startMachine[0];
        long busy = machine[1] - startMachine[1];
        return new Usage((ticks.getAsLong() - startTicks) / TICKS_PER_SECOND / seconds, total == 0 ? 0 : busy / (double) total, seconds);
    }

    /** utime + stime of one process, all its threads. */
    static long processTicks(long pid) {
        return processTicks(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** utime + stime from the text of {@code /proc/<pid>/stat}. */
    static long processTicks(String stat) {
        String[] fields = fieldsAfterCommand(stat);
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** cutime + cstime from the text of {@code /proc/<pid>/stat}: the CPU of the children it has reaped. */
    static long reapedChildTicks(String stat) {
        String[] fields = fieldsAfterCommand(stat);
        return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }

    /** The parent's process id from the text of {@code /proc/<pid>/stat}. */
    static long parentPid(String stat) {
        return Long.parseLong(fieldsAfterCommand(stat)[1]);
    }

    /** The fields after the command name, which is in parentheses and may hold spaces: state is the first. */
    private static String[] fieldsAfterCommand(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** All ticks and busy ticks (not idle, not waiting for I/O) of every core since boot, from the text of {@code /proc/stat}. */
    static long[] machineTicks(String procStat) {
        String[] fields = procStat.lines().findFirst().orElseThrow().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) { // user .. steal; guest time is already in user
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] {total, total - idle};
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (CPU use is measured on Linux only): " + e.getMessage(), e);
        }
    }
}
