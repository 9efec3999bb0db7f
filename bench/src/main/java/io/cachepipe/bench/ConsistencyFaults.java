package io.cachepipe.bench;

import io.cachepipe.cli.pipeline.Pipeline;
import io.cachepipe.devstack.DevStack;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The faults {@code bench consistency} injects into its own process, where the pipeline runs beside the
 * dev stack, one after the other, spaced evenly across the reads. Each fault's window runs from its start
 * until the pipeline caught up again ({@link Pipeline#awaitCaughtUp}); the reads that began inside it are
 * tallied apart ({@link ConsistencyReaders.FaultWindow}).
 */
final class ConsistencyFaults {
    /** How long the Kafka broker stays down in {@link Fault#KAFKA_OUTAGE}. */
    static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration CATCH_UP = Duration.ofMinutes(5);

    /** One fault, named as {@code --fault} takes it. */
    enum Fault {
        INVALIDATOR_RESTART("invalidator-restart", "the invalidator stopped and a new one started") {
            @Override
            void inject(Pipeline pipeline, DevStack stack) {
                pipeline.restartInvalidator();
            }
        },
        WARMER_RESTART("warmer-restart", "the warmer stopped and a new one started") {
            @Override
            void inject(Pipeline pipeline, DevStack stack) {
                pipeline.restartWarmer();
            }
        },
        CDC_RESTART("cdc-capture-restart", "cdc-capture stopped and a new one started, resuming from its saved position") {
            @Override
            void inject(Pipeline pipeline, DevStack stack) {
                pipeline.restartCdc();
            }
        },
        REDIS_RESTART("redis-restart", "Redis stopped and started again empty, without persistence") {
            @Override
            void inject(Pipeline pipeline, DevStack stack) {
                stack.redis().stop();
                stack.redis().start();
            }
        },
        KAFKA_OUTAGE("kafka-outage", "the Kafka broker stopped for " + OUTAGE.toSeconds() + " s, then started again") {
            @Override
            void inject(Pipeline pipeline, DevStack stack) {
                stack.kafka().stop();
                try {
                    LockSupport.parkNanos(OUTAGE.toNanos()); // the outage itself, not a wait for a condition
                } finally {
                    stack.kafka().start();
                }
            }
        };

        final String label;
        final String description;

        Fault(String label, String description) {
            this.label = label;
            this.description = description;
        }

        abstract void inject(Pipeline pipeline, DevStack stack);
    }

    private ConsistencyFaults() {
    }

    /** {@code none}, {@code all} (every fault, in declaration order), or a comma list of fault names; each at most once. */
    static List<Fault> parse(String text) {
        String spec = text.strip().toLowerCase(Locale.ROOT);
        if (spec.equals("none")) {
            return List.of();
        }
        if (spec.equals("all")) {
            return List.of(Fault.values());
        }
        var faults = new LinkedHashSet<Fault>();
        for (String name : spec.split(",")) {
            String label = name.strip();
            faults.add(Arrays.stream(Fault.values()).filter(f -> f.label.equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no fault '" + label + "': none, all, or a comma list of "
                            + names())));
        }
        return List.copyOf(faults);
    }

    static String names() {
        return Arrays.stream(Fault.values()).map(f -> f.label).collect(Collectors.joining(", "));
    }

    /**
     * Injects {@code faults} in turn on a thread of its own: fault {@code i} of {@code n} once {@code i / (n + 1)} of the
     * reads were sent (after the previous one's window closed), its window open from its start until the pipeline caught up.
     */
    static final class Injector {
        private final List<Fault> faults;
        private final List<ConsistencyReaders.FaultWindow> windows = new ArrayList<>();
        private final AtomicReference<@Nullable Throwable> failed = new AtomicReference<>();
        private final long[] atRead;
        private volatile @Nullable Thread thread;

        Injector(List<Fault> faults) {
            this.faults = List.copyOf(faults);
            this.atRead = new long[faults.size()];
            for (int i = 0; i < faults.size(); i++) {
                windows.add(new ConsistencyReaders.FaultWindow());
            }
        }

        /** Until the last fault's window closed: the readers go on past their count meanwhile, so that every window has reads. */
        boolean pending() {
            Thread injecting = thread;
            return injecting != null && injecting.isAlive();
        }

        List<ConsistencyReaders.FaultWindow> windows() {
            return windows;
        }

        void start(Pipeline pipeline, DevStack stack, long reads, LongSupplier sent, PrintStream out) {
            if (faults.isEmpty()) {
                return;
            }
            thread = Thread.ofPlatform().daemon().name("consistency-faults").start(() -> {
                try {
                    for (int i = 0; i < faults.size(); i++) {
                        long due = reads * (i + 1) / (faults.size() + 1);
                        while (sent.getAsLong() < due) {
                            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                        }
                        inject(i, pipeline, stack, sent, out);
                    }
                } catch (RuntimeException e) {
                    // Said at once: the readers go on to their count, and a run of millions of reads would otherwise
                    // hide for an hour that its faults stopped (the rest are not injected).
                    out.printf("Fault injection stopped, the remaining faults are not injected: %s%n", e.getMessage());
                    failed.set(e);
                }
            });
        }

        private void inject(int i, Pipeline pipeline, DevStack stack, LongSupplier sent, PrintStream out) {
            Fault fault = faults.get(i);
            ConsistencyReaders.FaultWindow window = windows.get(i);
            atRead[i] = sent.getAsLong();
            window.open();
            out.printf("Fault %s at read %,d: %s%n", fault.label, atRead[i], fault.description);
            fault.inject(pipeline, stack);
            pipeline.awaitCaughtUp(CATCH_UP);
            window.close();
            out.printf("The pipeline caught up %.1f s after %s began%n", window.seconds(), fault.label);
        }

        /** Waits for the last fault's window to close; throws what went wrong injecting one. */
        List<ConsistencyReport.Fault> await() throws InterruptedException {
            Thread injecting = thread;
            if (injecting != null) {
                injecting.join();
            }
            Throwable failure = failed.get();
            if (failure != null) {
                throw new IllegalStateException("a fault could not be injected", failure);
            }
            List<ConsistencyReport.Fault> done = new ArrayList<>();
            for (int i = 0; i < faults.size(); i++) {
                done.add(new ConsistencyReport.Fault(faults.get(i).label, faults.get(i).description, atRead[i], windows.get(i).seconds()));
            }
            return done;
        }
    }
}
