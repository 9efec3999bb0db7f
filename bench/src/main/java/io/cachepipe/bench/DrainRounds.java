package io.cachepipe.bench;

import io.cachepipe.testsupport.PartProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;

/**
 * The drain pattern of the process benchmarks (scale-out, stages): work piles up while the measured
 * processes are frozen (SIGSTOP), they are thawed, and a window measures how fast they get through
 * it. Warm-up drains come first (their size is the caller's), until the JIT compiler threads used under a
 * tenth of a drain's time per process ({@link PartProbe#jitSeconds}; at most {@value #MAX_WARM_UPS}
 * drains): a JVM still compiling measures its compiler, not its work, and every process compiles its
 * own code.
 */
final class DrainRounds {
    static final int MAX_WARM_UPS = 8;
    private static final Duration QUIET_JIT = Duration.ofSeconds(1);

    /** One drain of {@code backlog} changes, answering what it measured. */
    @FunctionalInterface
    interface Round<D> {
        D drain(int backlog) throws Exception;
    }

    private DrainRounds() {
    }

    /**
     * Runs warm-up drains of {@code size} changes each until {@code settled} holds for one (at most
     * {@value #MAX_WARM_UPS}), handing each to {@code report} with its number; answers how many ran.
     */
    static <D> int warmUp(int size, Round<D> round, Predicate<D> settled, ObjIntConsumer<D> report) throws Exception {
        for (int number = 1; number <= MAX_WARM_UPS; number++) {
            D drain = round.drain(Math.max(1, size));
            report.accept(drain, number);
            if (settled.test(drain)) {
                return number;
            }
        }
        return MAX_WARM_UPS;
    }

    /**
     * Waits (at most {@code timeout}) until the JIT compiler threads of {@code parts} have used no CPU for
     * a second: the compilations a drain queued run while the parts are idle, not in the next drain's
     * window. Frozen between drains, a part otherwise carries its compile queue from window to window and
     * never settles in eight short drains (half the invalidator's CPU was its compilers in the eighth).
     */
    static void awaitCompiled(List<PartProcess> parts, Duration timeout) throws InterruptedException {
        awaitCompiled(() -> PartProbe.jitSeconds(parts), timeout);
    }

    /** The same for any compilers: {@code jitSeconds} is the CPU time they have used so far. */
    static void awaitCompiled(DoubleSupplier jitSeconds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        double last = jitSeconds.getAsDouble();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < QUIET_JIT.toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            double now = jitSeconds.getAsDouble();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** True when the JIT of {@code processes} used under a tenth of the window's time each: it has settled. */
    static boolean settled(double jitSeconds, double windowSeconds, int processes) {
        return jitSeconds < 0.1 * windowSeconds * processes;
    }

    /**
     * Polls {@code count} until it is at least {@code atLeast} and then has not changed for {@code quiet}:
     * a producer that is done, not one that paused between two sends.
     */
    static long awaitSettled(String what, Callable<Long> count, long atLeast, Duration quiet, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (true) {
            long now = count.call();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (now >= atLeast && System.nanoTime() - stableSince >= quiet.toNanos()) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " stood at " + now + ", not at least " + atLeast + " and settled, after " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
