package io.cachepipe.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a window's CPU went, part by part, per row change written in it: what a change-rate step
 * cost the whole machine, and which part took how much. The load benchmark runs every part of the
 * pipeline, the Kafka broker and the writers in one JVM, so that JVM is split by its threads' own
 * CPU time ({@link ThreadMXBean}, full thread names); PostgreSQL is split into the backends that
 * commit the writers' transactions and the walsender that decodes them for cdc-capture; the rest of
 * the machine (other processes, the kernel) is what the machine was busy with beyond all of these.
 *
 * <p>A thread is put in a part by its name ({@link #partOf}): Debezium's engine runs its tasks on
 * unnamed {@code pool-N-thread-M} threads, so those count as cdc-capture, and so does Debezium's
 * unnamed lag collector ({@code Thread-N}). JIT compiler threads are not Java threads to
 * {@link ThreadMXBean}: they are measured from {@code /proc} ({@link PartProbe#jitSeconds}). What no
 * part claims (garbage collection, the API's threads, what a thread used after the last {@link #look}
 * before it ended) is "JVM, rest".
 */
final class CpuPerChange {
    static final String POSTGRES = "PostgreSQL commits";
    static final String WALSENDER = "walsender";
    static final String CDC = "cdc-capture";
    static final String BROKER = "Kafka broker";
    static final String INVALIDATOR = "invalidator";
    static final String WARMER = "warmer";
    static final String REDIS = "Redis";
    static final String LETTUCE = "Redis client";
    static final String WRITERS = "writers";
    static final String JIT = "JIT";
    static final String JVM_REST = "JVM, rest";
    static final String MACHINE_REST = "rest of machine";
    /** The parts in the order the report lists them: the database, the pipeline's way, the load, the overheads. */
    static final List<String> PARTS = List.of(POSTGRES, WALSENDER, CDC, BROKER, INVALIDATOR, WARMER, REDIS, LETTUCE, WRITERS, JIT,
            JVM_REST, MACHINE_REST);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final StackCpu.Servers servers;
    /** Each thread's CPU nanoseconds at the last {@link #look}, so that a thread ending before the end counts up to then. */
    private final Map<Long, Long> lastSeen = new HashMap<>();
    /** Their names, by the same ids. */
    private final Map<Long, String> names = new HashMap<>();
    private final long pid = ProcessHandle.current().pid();
    private final Map<Long, Long> threadsAtStart;
    private final long[] postgresAtStart;
    private final long redisAtStart;
    private final long processAtStart;
    private final double jitAtStart;
    private final long[] machineAtStart;
    private final long startNanos = System.nanoTime();

    private CpuPerChange(StackCpu.Servers servers) {
        this.servers = servers;
        look();
        this.threadsAtStart = Map.copyOf(lastSeen);
        this.postgresAtStart = StackCpu.postgresTicks(servers.postmaster());
        this.redisAtStart = CpuUse.processTicks(servers.redis());
        this.processAtStart = CpuUse.processTicks(pid);
        this.jitAtStart = PartProbe.jitSeconds(pid);
        this.machineAtStart = CpuUse.machineTicks(CpuUse.read(Path.of("/proc/stat")));
    }

    /** Starts measuring; the servers are the dev stack's PostgreSQL (its postmaster) and Redis. */
    static CpuPerChange start(StackCpu.Servers servers) {
        return new CpuPerChange(servers);
    }

    /**
     * Reads every live Java thread's CPU and name now, into {@link #lastSeen}: call it before threads that worked in the
     * window end (the writers at the step's end).
     */
    void look() {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue; // ended since the listing
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                lastSeen.put(info.getThreadId(), cpu);
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
    }

    /**
     * What the window cost: CPU microseconds per row change of every part, in {@link #PARTS} order, and from the same
     * readings the cores the JIT used and the share of the machine that was busy.
     */
    record Window(Map<String, Double> microsPerChange, CpuUse.Usage jit) {
    }

    /** The window since the start, {@code rows} written in it. */
    Window close(long rows) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        PARTS.forEach(part -> seconds.put(part, 0.0));
        double javaThreads = 0;
        look();
        for (Map.Entry<Long, Long> thread : lastSeen.entrySet()) {
            double used = (thread.getValue() - threadsAtStart.getOrDefault(thread.getKey(), 0L)) / 1e9;
            @Nullable String part = partOf(names.getOrDefault(thread.getKey(), ""));
            if (part != null && used > 0) {
                seconds.merge(part, used, Double::sum);
                javaThreads += used;
            }
        }
        long[] postgres = StackCpu.postgresTicks(servers.postmaster());
        seconds.put(POSTGRES, (postgres[0] - postgresAtStart[0]) / CpuUse.TICKS_PER_SECOND);
        seconds.put(WALSENDER, (postgres[1] - postgresAtStart[1]) / CpuUse.TICKS_PER_SECOND);
        seconds.put(REDIS, (CpuUse.processTicks(servers.redis()) - redisAtStart) / CpuUse.TICKS_PER_SECOND);
        double jit = PartProbe.jitSeconds(pid) - jitAtStart;
        seconds.put(JIT, jit);
        double process = (CpuUse.processTicks(pid) - processAtStart) / CpuUse.TICKS_PER_SECOND;
        seconds.put(JVM_REST, Math.max(0, process - javaThreads - jit));
        double windowSeconds = (System.nanoTime() - startNanos) / 1e9;
        long[] machine = CpuUse.machineTicks(CpuUse.read(Path.of("/proc/stat")));
        long machineTicks = machine[0] - machineAtStart[0];
        double busy = (machine[1] - machineAtStart[1]) / CpuUse.TICKS_PER_SECOND;
        double counted = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        seconds.put(MACHINE_REST, Math.max(0, busy - counted));
        Map<String, Double> micros = new LinkedHashMap<>();
        seconds.forEach((part, used) -> micros.put(part, rows > 0 ? used * 1e6 / rows : 0));
        double machineShare = machineTicks == 0 ? 0 : (machine[1] - machineAtStart[1]) / (double) machineTicks;
        return new Window(micros, new CpuUse.Usage(jit / windowSeconds, machineShare, windowSeconds));
    }

    /**
     * The part a thread of the bench JVM works for, by its name; null for one no part claims (the API,
     * the bench's own probes, Kafka admin clients), which counts in {@link #JVM_REST}.
     */
    static @Nullable String partOf(String thread) {
        if (thread.startsWith("writer-")) {
            return WRITERS;
        }
        if (thread.contains("debezium") || thread.startsWith("pool-") || thread.matches("Thread-\\d+") || thread.contains("-cdc")
                || thread.contains("cdc-offsets")) {
            return CDC;
        }
        if (thread.contains("invalidator") || thread.startsWith("cachepipe-warm-requests")) {
            return INVALIDATOR;
        }
        if (thread.contains("warmer")) {
            return WARMER;
        }
        if (thread.startsWith("lettuce-")) {
            return LETTUCE;
        }
        boolean client = thread.contains(" | "); // "kafka-producer-network-thread | <client id>", admin and heartbeat threads
        if (!client && (thread.startsWith("data-plane-") || thread.startsWith("kafka-") || thread.startsWith("broker-")
                || thread.startsWith("group-coordinator") || thread.startsWith("quorum-controller") || thread.startsWith("executor-")
                || thread.startsWith("ExpirationReaper") || thread.startsWith("controller-") || thread.startsWith("share-"))) {
            return BROKER;
        }
        return null;
    }
}
