package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Measures one stage on work piled up while its process was frozen: thaws it and runs the window
 * from its first progress until its progress reaches the target, with the CPU it, the stack's servers
 * and the machine used meanwhile, the part of its CPU its JIT compilers took, and the Redis commands
 * it caused.
 *
 * <p>The window opens at the first progress, not at the thaw, so that it holds the processing alone:
 * a process frozen longer than its session timeout first rejoins its consumer group, and that time
 * (reported as the start) says nothing about its cost per change. Progress is polled every
 * {@value #POLL_MILLIS} ms, so a window's end is late by up to that much.
 */
final class StageMeter {
    static final long POLL_MILLIS = 50;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** A count that grows as the stage works: records published, changes processed, offsets committed. */
    @FunctionalInterface
    interface Progress {
        long get() throws Exception;
    }

    /**
     * @param items     units processed inside the window
     * @param total     units the whole backlog held for this stage (from the thaw)
     * @param cpu       the process's CPU and the machine's over the window
     * @param redisCalls commands Redis served from the thaw to the end, per command
     */
    record Window(long items, long total, CpuUse.Usage cpu, Map<String, Double> stackCores, double jitSeconds, double startSeconds,
                  Map<String, Long> redisCalls) {
    }

    private final StackCpu.Servers servers;
    private final RedisProbe redis;

    StageMeter(StackCpu.Servers servers, RedisProbe redis) {
        this.servers = servers;
        this.redis = redis;
    }

    /**
     * Thaws {@code process} and measures it until {@code progress} grows from {@code base} to {@code target}.
     *
     * @param base its progress when it was frozen: read then, since a frozen process answers nothing
     */
    Window measure(PartProcess process, long base, Progress progress, long target) throws Exception {
        if (target <= base) {
            throw new IllegalArgumentException(process + " has nothing to do: progress " + base + ", target " + target);
        }
        Map<String, Long> redisBefore = redis.commandCalls();
        CpuUse fromThaw = CpuUse.of(List.of(process));
        StackCpu stackFromThaw = StackCpu.start(servers);
        double jitAtThaw = PartProbe.jitSeconds(process.pid());
        long thawed = System.nanoTime();
        process.thaw();
        long open = awaitChange(progress, base);
        double startSeconds = (System.nanoTime() - thawed) / 1e9;
        CpuUse cpu = fromThaw;
        StackCpu stack = stackFromThaw;
        double jitAtOpen = jitAtThaw;
        long counted = target - base;
        if (open < target) { // else done before the first poll saw it: the window is the whole drain
            cpu = CpuUse.of(List.of(process));
            stack = StackCpu.start(servers);
            jitAtOpen = PartProbe.jitSeconds(process.pid());
            counted = target - open;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (progress.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(process + " did not get through its backlog (" + progress.get() + " of " + target + ") in " + TIMEOUT);
            }
            Thread.sleep(POLL_MILLIS);
        }
        CpuUse.Usage used = cpu.usage();
        Map<String, Double> stackCores = stack.cores();
        Map<String, Long> redisCalls = RedisProbe.callsBetween(redisBefore, redis.commandCalls());
        double jitSeconds = PartProbe.jitSeconds(process.pid()) - jitAtOpen;
        return new Window(counted, target - base, used, stackCores, jitSeconds, startSeconds, redisCalls);
    }

    private static long awaitChange(Progress progress, long base) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long now;
        while ((now = progress.get()) == base) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress past " + base + " in " + TIMEOUT + " after the thaw");
            }
            Thread.sleep(20);
        }
        return now;
    }

    /** The window as a report row: {@code itemsPerChange} units per change of the backlog, 0 if not per change. */
    static StagesReport.Stage stage(String name, String unit, Window window, double itemsPerChange, Map<String, Long> counts) {
        return new StagesReport.Stage(name, unit, window.items(), itemsPerChange, window.cpu().seconds(), window.cpu().cpuSeconds(),
                window.cpu().parts(), window.cpu().machine(), window.jitSeconds(), window.startSeconds(), window.stackCores(),
                window.redisCalls(), counts);
    }
}
