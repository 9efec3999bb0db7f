package io.cachepipe.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU the dev stack's servers used over a window, from {@code /proc}: Kafka (the broker runs in this
 * JVM, together with the bench's own polling), PostgreSQL and Redis. On a two-core machine a stage
 * is as often limited by one of them as by itself: a stage whose process used half a core while the
 * machine was full tells which neighbour took the rest.
 *
 * <p>The servers are found by what they say about themselves (a backend's parent is the postmaster,
 * Redis names its {@code process_id}), not by process names, since other builds on the machine run
 * PostgreSQL and Redis too. PostgreSQL's backends come and go: a live one is counted in its own
 * {@code utime+stime}, an exited one in the postmaster's {@code cutime+cstime} once reaped.
 */
final class StackCpu {
    static final String KAFKA = "Kafka broker + bench";
    static final String POSTGRES = "PostgreSQL";
    static final String REDIS = "Redis";

    /** The servers' process ids. */
    record Servers(long postmaster, long redis) {
    }

    private final Servers servers;
    private final long startNanos;
    private final Map<String, Long> start;

    private StackCpu(Servers servers) {
        this.servers = servers;
        this.startNanos = System.nanoTime();
        this.start = ticks();
    }

    static StackCpu start(Servers servers) {
        return new StackCpu(servers);
    }

    /** Cores each server used on average since the start (1.0 = one core busy all the time). */
    Map<String, Double> cores() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        ticks().forEach((name, ticks) -> {
            Long before = start.get(name);
            if (before != null) { // a server not running at the start has no figure since then
                cores.put(name, (ticks - before) / CpuUse.TICKS_PER_SECOND / seconds);
            }
        });
        return cores;
    }

    private Map<String, Long> ticks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put(KAFKA, CpuUse.processTicks(ProcessHandle.current().pid()));
        ticks.put(POSTGRES, postgresTicks());
        ticks.put(REDIS, CpuUse.processTicks(servers.redis()));
        return ticks;
    }

    private long postgresTicks() {
        String stat = CpuUse.read(Path.of("/proc", Long.toString(servers.postmaster()), "stat"));
        long[] sum = {CpuUse.processTicks(stat) + CpuUse.reapedChildTicks(stat)};
        ProcessHandle.of(servers.postmaster()).ifPresent(postmaster -> postmaster.children().forEach(backend -> {
            try {
                sum[0] += CpuUse.processTicks(backend.pid());
            } catch (RuntimeException exited) {
                // gone between the listing and the read: its time is in the postmaster's cutime now
            }
        }));
        return sum[0];
    }
}
