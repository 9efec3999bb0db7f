package io.cachepipe.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Sends {@code GET}s over a fixed set of keep-alive connections, either <b>open loop</b> at a fixed
 * arrival rate or <b>saturating</b> (each connection sends its next request as soon as the last one
 * answered).
 *
 * <p>Open loop, request {@code i} is due at {@code start + i / rate} whatever happened to earlier
 * ones, and its latency is measured from that due time, not from when it was actually sent: when the
 * server stalls and every connection is busy, the requests that pile up are charged the wait, as
 * their users would have been. This is the correction for coordinated omission that wrk2 makes; a
 * closed-loop tool that measures from the send time reports the stall as one slow request.
 * Saturating runs measure throughput; their latencies are service times.
 */
final class LoadGenerator {
    /** Where the next request goes: a path with its query string. */
    @FunctionalInterface
    interface Paths {
        String next(SplittableRandom random);
    }

    /** What one run measured. Latencies in microseconds. */
    record Run(long requests, long errors, double seconds, Histogram latency) {
        double throughput() {
            return requests / seconds;
        }

        /** Two runs as one: requests and time add up, latencies merge. */
        Run plus(Run other) {
            var merged = latency.copy();
            merged.add(other.latency);
            return new Run(requests + other.requests, errors + other.errors, seconds + other.seconds, merged);
        }
    }

    private static final long HIGHEST_MICROS = Duration.ofMinutes(2).toNanos() / 1000;

    private final InetSocketAddress target;
    private final int connections;
    private final LongAdder completed;

    /**
     * @param completed counts every answered request, across runs; a writer that keeps a read/write
     *                  ratio watches it
     */
    LoadGenerator(InetSocketAddress target, int connections, LongAdder completed) {
        this.target = target;
        this.connections = connections;
        this.completed = completed;
    }

    /** Open loop at {@code rate} requests per second for {@code duration}. */
    Run atRate(Paths paths, double rate, Duration duration, long seed) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive, got " + rate);
        }
        return run(paths, rate, duration, seed);
    }

    /** As fast as the connections go, for {@code duration}. */
    Run saturating(Paths paths, Duration duration, long seed) {
        return run(paths, 0, duration, seed);
    }

    /** Each path once, spread over the connections; answers how many failed. For warming every key. */
    long once(List<String> paths) {
        var next = new java.util.concurrent.atomic.AtomicInteger();
        var errors = new LongAdder();
        List<Thread> threads = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            threads.add(Thread.ofPlatform().daemon().name("load-once-" + i).start(() -> {
                try (var connection = new HttpConnection(target)) {
                    for (int index = next.getAndIncrement(); index < paths.size(); index = next.getAndIncrement()) {
                        if (connection.get(paths.get(index)) >= 400) {
                            errors.increment();
                        }
                    }
                } catch (IOException e) {
                    errors.increment();
                }
            }));
        }
        join(threads);
        return errors.sum();
    }

    private static void join(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the load ran", e);
            }
        }
    }

    private Run run(Paths paths, double rate, Duration duration, long seed) {
        long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
        long end = start + duration.toNanos();
        double intervalNanos = rate > 0 ? 1e9 / rate : 0;
        var tickets = new AtomicLong();
        var errors = new LongAdder();
        List<Worker> workers = new ArrayList<>(connections);
        var seeds = new SplittableRandom(seed);
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(paths, seeds.split(), tickets, start, end, intervalNanos, errors));
        }
        List<Thread> threads = new ArrayList<>(connections);
        for (Worker worker : workers) {
            // Platform threads: their parkNanos wakes within tens of microseconds, which an open loop needs.
            threads.add(Thread.ofPlatform().daemon().name("load-" + threads.size()).start(worker));
        }
        join(threads);
        var latency = new Histogram(HIGHEST_MICROS, 3);
        long requests = 0;
        for (Worker worker : workers) {
            latency.add(worker.latency);
            requests += worker.latency.getTotalCount();
        }
        // Requests are counted by due (open loop) or start time (saturating) inside the window.
        return new Run(requests, errors.sum(), (end - start) / 1e9, latency);
    }

    private final class Worker implements Runnable {
        private final Paths paths;
        private final SplittableRandom random;
        private final AtomicLong tickets;
        private final long start;
        private final long end;
        private final double intervalNanos;
        private final LongAdder errors;
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);

        Worker(Paths paths, SplittableRandom random, AtomicLong tickets, long start, long end, double intervalNanos, LongAdder errors) {
            this.paths = paths;
            this.random = random;
            this.tickets = tickets;
            this.start = start;
            this.end = end;
            this.intervalNanos = intervalNanos;
            this.errors = errors;
        }

        @Override
        public void run() {
            HttpConnection connection = null;
            try {
                while (true) {
                    long due;
                    if (intervalNanos > 0) {
                        due = start + (long) (tickets.getAndIncrement() * intervalNanos);
                        if (due >= end) {
                            return;
                        }
                        waitUntil(due);
                    } else {
                        due = System.nanoTime();
                        if (due >= end) {
                            return;
                        }
                    }
                    String path = paths.next(random);
                    try {
                        if (connection == null) {
                            connection = new HttpConnection(target);
                        }
                        int status = connection.get(path);
                        if (status >= 400) {
                            errors.increment();
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.increment();
                        if (connection != null) {
                            connection.close();
                            connection = null;
                        }
                    }
                    latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (System.nanoTime() - due) / 1000)));
                    completed.increment();
                }
            } finally {
                if (connection != null) {
                    connection.close();
                }
            }
        }

        private void waitUntil(long due) {
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
    }
}
