package io.cachepipe.bench;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.testsupport.PartProcess;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Scale-out on one machine: the parts as separate processes, first one of each, then 2 invalidators,
 * 2 warmers and 3 APIs, on the same stack and the same 6 partitions. For each layout: the read
 * throughput of the mixed workload over the APIs, and how fast the warm invalidators drain a backlog
 * of changes written while they were frozen (counted by their own metrics once every instance takes
 * part: processing rate alone, without the writers', a process start's or a rebalance's time in it),
 * each with the CPU the measured processes and the machine used meanwhile. For the scaled layout
 * also: which process holds which partitions (Kafka's own view), and an audit after two of the
 * processes were SIGKILLed and restarted under writes, since a rebalance after a kill is where
 * changes are handled twice.
 */
final class ScaleOutBenchmark {
    /** @param cpuLimit CPUs each process may use (a cgroup of its own, as a pod's CPU limit); 0 for no limit */
    record Options(int products, int categories, Duration readTime, int backlog, int connections, double cpuLimit) {
    }

    static final Deployment.Layout SINGLE = new Deployment.Layout("1 invalidator, 1 warmer, 1 API", 1, 1, 1);
    static final Deployment.Layout SCALED = new Deployment.Layout("2 invalidators, 2 warmers, 3 APIs", 2, 2, 3);

    private final DevStack stack;
    private final Workload workload;
    private final Options options;
    private final PrintStream out;

    ScaleOutBenchmark(DevStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.workload = Workload.catalog(options.products(), options.categories(), 1.0);
        this.options = options;
        this.out = out;
    }

    Report.ScaleOut run() throws Exception {
        List<Report.ScaleOutRun> runs = new ArrayList<>();
        List<String> invalidatorAssignments = List.of();
        List<String> warmerAssignments = List.of();
        AuditReport audit = null;
        try (CpuLimit limit = options.cpuLimit() > 0 ? CpuLimit.of(options.cpuLimit()) : null) {
            if (limit != null) {
                limit.lift(); // enforced only while measuring: processes start and warm up at full speed
            }
            for (Deployment.Layout layout : List.of(SINGLE, SCALED)) {
                out.println("  starting " + layout.name() + " as separate processes" + (limit == null ? "" : ", " + limit) + " ...");
                try (Deployment deployment = Deployment.start(stack, layout, options.products(), options.categories(), limit)) {
                    Reads reads = readThroughput(deployment, limit);
                    InvalidatorDrain drain = backlogDrain(deployment, limit);
                    runs.add(new Report.ScaleOutRun(layout.name(), layout.apis(), reads.throughput(), drain.rate(),
                            reads.cpu().parts(), reads.cpu().machine(), drain.cpu().parts(), drain.cpu().machine(), drain.perInstance(),
                            drain.jitShare()));
                    out.printf(Locale.ROOT, "  %-36s reads %,8.0f req/s over %d API(s), APIs used %.2f CPU, machine %.0f%% busy%n",
                            layout.name(), reads.throughput(), layout.apis(), reads.cpu().parts(), 100 * reads.cpu().machine());
                    out.printf(Locale.ROOT, "  %-36s backlog of %,d changes drained at %,7.0f/s, per instance %s, invalidators used %.2f CPU"
                            + " (%.0f%% of it JIT), machine %.0f%% busy%n", "", options.backlog(), drain.rate(), drain.perInstance(),
                            drain.cpu().parts(), 100 * drain.jitShare(), 100 * drain.cpu().machine());
                    if (layout == SCALED) {
                        invalidatorAssignments = deployment.kafka().assignments("invalidator");
                        warmerAssignments = deployment.kafka().assignments("warmer");
                        invalidatorAssignments.forEach(line -> out.println("    " + line));
                        warmerAssignments.forEach(line -> out.println("    " + line));
                        audit = killUnderWrites(deployment);
                    }
                }
            }
        }
        return new Report.ScaleOut(runs, invalidatorAssignments, warmerAssignments, audit == null ? -1 : audit.incoherent(),
                audit == null ? 0 : audit.checked(), options.cpuLimit());
    }

    /** Requests per second over every API, and the CPU they and the machine used meanwhile. */
    private record Reads(double throughput, CpuUse.Usage cpu) {
    }

    /**
     * The mixed workload, saturating, {@code connections} clients per API (more instances are deployed
     * for more clients; a fixed total would leave them idle whenever latency, not CPU, bounds each
     * client), 1% writes alongside: once as a warm-up (every API's JIT and near cache, discarded),
     * then measured.
     */
    private Reads readThroughput(Deployment deployment, @Nullable CpuLimit limit) throws Exception {
        List<InetSocketAddress> apis = deployment.apis();
        // Redis is shared: one pass through one API warms it for all; each near cache fills from the load itself.
        new LoadGenerator(apis.getFirst(), options.connections(), new LongAdder()).once(workload.everyPath());
        saturateAll(deployment, apis);
        if (limit != null) {
            limit.enforce();
        }
        try {
            CpuUse cpu = CpuUse.of(deployment.apiProcesses());
            double total = saturateAll(deployment, apis);
            CpuUse.Usage used = cpu.usage();
            return new Reads(total, used);
        } finally {
            if (limit != null) {
                limit.lift();
            }
            deployment.awaitCaughtUp(Duration.ofMinutes(2));
        }
    }

    private double saturateAll(Deployment deployment, List<InetSocketAddress> apis) throws Exception {
        LoadGenerator.Paths mixed = workload.endpoint("mixed").paths();
        var reads = new LongAdder();
        double total = 0;
        try (ChangeWriter writer = ChangeWriter.following(deployment.pool(), workload, reads, 0.01)) {
            List<Thread> threads = new ArrayList<>();
            List<LoadGenerator.Run> results = java.util.Collections.synchronizedList(new ArrayList<>());
            for (InetSocketAddress api : apis) {
                threads.add(Thread.ofPlatform().start(() ->
                        results.add(new LoadGenerator(api, options.connections(), reads).saturating(mixed, options.readTime(), api.getPort()))));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            for (LoadGenerator.Run run : results) {
                total += run.throughput();
            }
        }
        return total;
    }

    /**
     * Warms the invalidators with drains of the full backlog without the CPU limit until their JIT has
     * settled ({@link DrainRounds}; judged over each drain from the thaw, since a warm-up drain is often
     * through before every instance has rejoined), then measures two drains under the limit, as one. Quarter-size
     * warm-ups (40,000 changes in all) left the one instance's compilers 32-47% of its CPU in the measured
     * drains: methods of the producer, Lettuce's decoder and the metrics were still reaching C2 for the
     * first time; full-size ones left 24% in the one run tried. The APIs stay stopped meanwhile, so that what
     * is measured is what the invalidators add, not their share of a machine the readers compete for.
     */
    private InvalidatorDrain backlogDrain(Deployment deployment, @Nullable CpuLimit limit) throws Exception {
        deployment.stopApis();
        DrainRounds.warmUp(options.backlog(), backlog -> drain(deployment, backlog, null),
                warmUp -> DrainRounds.settled(warmUp.jitSinceThaw(), warmUp.secondsSinceThaw(), deployment.invalidators().size()),
                (warmUp, round) -> out.printf(Locale.ROOT, "    warm-up drain %d: %s, JIT compiled %.1f s in %.1f s since the thaw%n",
                        round, warmUp.fullWindow() ? String.format(Locale.ROOT, "%,.0f/s", warmUp.rate()) : "through before every instance took part",
                        warmUp.jitSinceThaw(), warmUp.secondsSinceThaw()));
        InvalidatorDrain measured = null;
        for (int run = 1; run <= 2; run++) {
            InvalidatorDrain drain = drain(deployment, options.backlog(), limit);
            out.printf(Locale.ROOT, "    measured drain %d: %,.0f/s, per instance %s, JIT compiled %.1f s in %.1f s%n", run, drain.rate(),
                    drain.perInstance(), drain.jitSeconds(), drain.seconds());
            if (!drain.fullWindow()) {
                out.printf(Locale.ROOT, "    (its window opened with less than half the backlog left: the group took long to settle)%n");
            }
            measured = measured == null ? drain : measured.and(drain);
        }
        deployment.startApis();
        deployment.awaitCaughtUp(Duration.ofMinutes(5));
        return java.util.Objects.requireNonNull(measured, "the loop above measured two drains");
    }

    /**
     * Freezes the invalidators and warmers (SIGSTOP: warm JVMs, no work), writes {@code backlog}
     * changes, waits until cdc-capture has published them, then thaws the invalidators alone, under
     * {@code limit} if given, and counts the changes each processes (its own metrics). The window
     * opens once every invalidator takes part (the group is stable with work for each, and each has
     * processed a change since it was frozen: their sessions lapsed meanwhile, so they rejoin and rebalance
     * first) and closes once 80% of the backlog is processed, before the last partitions' stragglers.
     * The warmers thaw afterwards and everything catches up.
     */
    private InvalidatorDrain drain(Deployment deployment, int backlog, @Nullable CpuLimit limit) throws Exception {
        List<PartProcess> invalidators = deployment.invalidators();
        // What the last drain queued for the compilers runs now, not in this drain's window (frozen, they cannot).
        DrainRounds.awaitCompiled(invalidators, Duration.ofMinutes(1));
        long[] frozen = PartProbe.changesProcessed(invalidators); // idle by now: the last phase caught up
        deployment.freezeConsumers();
        long before = deployment.kafka().changeRecords();
        try (ChangeWriter writer = ChangeWriter.atRate(deployment.pool(), workload, 1_000_000, 8)) {
            while (writer.written() < backlog) {
                Thread.sleep(20);
            }
        }
        DrainRounds.awaitSettled("change records", deployment.kafka()::changeRecords, before + backlog, Duration.ofSeconds(1),
                Duration.ofMinutes(5));
        if (limit != null) {
            limit.enforce();
        }
        try {
            double jitAtThaw = PartProbe.jitSeconds(invalidators);
            long thawed = System.nanoTime();
            deployment.thawInvalidators();
            awaitEveryInstanceWorking(deployment, invalidators, frozen);
            long[] open = PartProbe.changesProcessed(invalidators);
            double jitBefore = PartProbe.jitSeconds(invalidators);
            CpuUse cpu = CpuUse.of(invalidators);
            long start = System.nanoTime();
            long[] now;
            do {
                Thread.sleep(250);
                now = PartProbe.changesProcessed(invalidators);
            } while (sum(now) - sum(frozen) < backlog * 0.8);
            double seconds = (System.nanoTime() - start) / 1e9;
            CpuUse.Usage used = cpu.usage();
            double jitNow = PartProbe.jitSeconds(invalidators);
            List<Long> perInstance = new ArrayList<>();
            for (int i = 0; i < now.length; i++) {
                perInstance.add(now[i] - open[i]);
            }
            boolean fullWindow = sum(open) - sum(frozen) <= backlog / 2;
            return new InvalidatorDrain((sum(now) - sum(open)) / seconds, perInstance, used, jitNow - jitBefore, seconds, jitNow - jitAtThaw,
                    (System.nanoTime() - thawed) / 1e9, fullWindow);
        } finally {
            if (limit != null) {
                limit.lift();
            }
            deployment.thawWarmers();
            deployment.awaitCaughtUp(Duration.ofMinutes(5));
        }
    }

    private static long sum(long[] counts) {
        return java.util.Arrays.stream(counts).sum();
    }

    /**
     * Until the group has given every invalidator partitions and each has processed a change since it was
     * frozen. Counted from the freeze, not from the moment the group settled: a warm-up backlog is
     * a fraction of a second's work, and an instance that had already done its share by then would never
     * process another, failing the run (it did, once in a 2-invalidator step).
     */
    private static void awaitEveryInstanceWorking(Deployment deployment, List<PartProcess> invalidators, long[] frozen) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (deployment.kafka().membersWithPartitions("invalidator") < invalidators.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the invalidator group did not settle on " + invalidators.size() + " members in 2 min");
            }
            Thread.sleep(50);
        }
        for (int i = 0; i < frozen.length; i++) {
            while (PartProbe.changesProcessed(invalidators.get(i)) == frozen[i]) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(invalidators.get(i) + " processed nothing for 2 min after the thaw");
                }
                Thread.sleep(20);
            }
        }
    }

    /** Writes at a steady rate while one invalidator and one warmer are SIGKILLed and restarted; then audits everything. */
    private AuditReport killUnderWrites(Deployment deployment) throws Exception {
        try (ChangeWriter writer = ChangeWriter.atRate(deployment.pool(), workload, 200, 2)) {
            Thread.sleep(1_500);
            PartProcess invalidator = deployment.invalidators().getLast();
            PartProcess warmer = deployment.warmers().getLast();
            invalidator.kill();
            Thread.sleep(500);
            warmer.kill();
            Thread.sleep(1_500);
            invalidator.start();
            warmer.start();
            invalidator.awaitReady(Duration.ofMinutes(2));
            warmer.awaitReady(Duration.ofMinutes(2));
            Thread.sleep(1_500);
        }
        deployment.awaitCaughtUp(Duration.ofMinutes(5));
        AuditReport audit = deployment.audit();
        out.printf(Locale.ROOT, "  after SIGKILL of an invalidator and a warmer under writes: audit checked %,d entries, %d incoherent,"
                + " %d unconfirmed%n", audit.checked(), audit.incoherent(), audit.unconfirmed());
        return audit;
    }
}
