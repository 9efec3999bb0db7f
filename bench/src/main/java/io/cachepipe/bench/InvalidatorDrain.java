package io.cachepipe.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How fast the invalidators of a scale-out layout drained a backlog ({@link ScaleOutBenchmark}):
 * changes per second over the measured window, how many each instance processed in it, and the CPU
 * they and the machine used meanwhile; for judging warm-ups, the JIT compilers' CPU and the time from
 * the thaw to the window's close (a quarter-size drain may be through before the window opens).
 *
 * @param fullWindow false when the window opened with less than half the backlog left: no rate was measured
 */
record InvalidatorDrain(double rate, List<Long> perInstance, CpuUse.Usage cpu, double jitSeconds, double seconds,
                        double jitSinceThaw, double secondsSinceThaw, boolean fullWindow) {
    /** The share of the measured processes' CPU in the window that their JIT compiler threads used. */
    double jitShare() {
        double cpuSeconds = cpu.parts() * seconds;
        return cpuSeconds > 0 ? Math.min(1, jitSeconds / cpuSeconds) : 0;
    }

    /** Two drains as one: changes, time and CPU add up. */
    InvalidatorDrain and(InvalidatorDrain other) {
        double total = seconds + other.seconds;
        List<Long> both = new ArrayList<>();
        for (int i = 0; i < perInstance.size(); i++) {
            both.add(perInstance.get(i) + other.perInstance.get(i));
        }
        return new InvalidatorDrain((rate * seconds + other.rate * other.seconds) / total, both,
                new CpuUse.Usage((cpu.parts() * seconds + other.cpu.parts() * other.seconds) / total,
                        (cpu.machine() * seconds + other.cpu.machine() * other.seconds) / total, total),
                jitSeconds + other.jitSeconds, total, jitSinceThaw + other.jitSinceThaw,
                secondsSinceThaw + other.secondsSinceThaw, fullWindow && other.fullWindow);
    }
}
