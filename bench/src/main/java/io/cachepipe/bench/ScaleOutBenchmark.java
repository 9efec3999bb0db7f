package io.cachepipe.bench;

import io.cachepipe.core.audit.AuditReport;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.PartProcess;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scale-out on one machine: the parts as separate processes, first one of each, then 2 invalidators,
 * 2 warmers and 3 APIs, on the same stack and the same 6 partitions. For each layout: the read
 * throughput of the mixed workload over the APIs, and how fast the invalidators drain a backlog of
 * changes written while they were stopped (their group's lag, sampled as it falls: processing rate
 * alone, without the writers' or a process start's time in it). For the scaled layout also: which process holds
 * which partitions (Kafka's own view), and an audit after two of the processes were SIGKILLed and
 * restarted under writes, since a rebalance after a kill is where changes are handled twice.
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
            for (Deployment.Layout layout : List.of(SINGLE, SCALED)) {
                out.println("  starting " + layout.name() + " as separate processes" + (limit == null ? "" : ", " + limit) + " ...");
                try (Deployment deployment = Deployment.start(stack, layout, options.products(), options.categories(), limit)) {
                    double reads = readThroughput(deployment);
                    double drained = backlogDrainRate(deployment);
                    runs.add(new Report.ScaleOutRun(layout.name(), layout.apis(), reads, drained));
                    out.printf(Locale.ROOT, "  %-36s reads %,8.0f req/s over %d API(s) | backlog of %,d changes drained at %,7.0f/s%n",
                            layout.name(), reads, layout.apis(), options.backlog(), drained);
                    if (layout == SCALED) {
                        invalidatorAssignments = deployment.assignments("invalidator");
                        warmerAssignments = deployment.assignments("warmer");
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

    /**
     * The mixed workload, saturating, {@code connections} clients per API (more instances are deployed
     * for more clients; a fixed total would leave them idle whenever latency, not CPU, bounds each
     * client), 1% writes alongside: once as a warm-up (every API's JIT and near cache, discarded),
     * then measured.
     */
    private double readThroughput(Deployment deployment) throws Exception {
        List<InetSocketAddress> apis = deployment.apis();
        // Redis is shared: one pass through one API warms it for all; each near cache fills from the load itself.
        new LoadGenerator(apis.getFirst(), options.connections(), new LongAdder()).once(workload.everyPath());
        saturateAll(deployment, apis);
        double total = saturateAll(deployment, apis);
        deployment.awaitCaughtUp(Duration.ofMinutes(2));
        return total;
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
     * Stops every process but cdc-capture, writes the backlog, waits until cdc-capture has published
     * it, starts the invalidators alone and samples their lag as it falls; the rate between 90% and
     * 10% of the backlog left is their processing rate. The warmers and APIs stay stopped meanwhile,
     * so that what is measured is what the invalidators add, not their share of a machine the
     * warmers' database loads compete for; then they start again and everything catches up.
     */
    private double backlogDrainRate(Deployment deployment) throws Exception {
        deployment.stopConsumers();
        deployment.stopApis();
        long before = deployment.changeRecords();
        try (ChangeWriter writer = ChangeWriter.atRate(deployment.pool(), workload, 1_000_000, 8)) {
            while (writer.written() < options.backlog()) {
                Thread.sleep(20);
            }
        }
        long published;
        long stableSince = System.nanoTime();
        long last = -1;
        do {
            Thread.sleep(100);
            published = deployment.changeRecords();
            if (published != last) {
                last = published;
                stableSince = System.nanoTime();
            }
        } while (published - before < options.backlog() || System.nanoTime() - stableSince < Duration.ofSeconds(1).toNanos());
        deployment.startInvalidators();
        long initial = deployment.invalidatorLag();
        long at90 = 0;
        long lag90 = 0;
        while (true) {
            long lag = deployment.invalidatorLag();
            long now = System.nanoTime();
            if (at90 == 0 && lag <= initial * 0.9) {
                at90 = now;
                lag90 = lag;
            }
            if (at90 != 0 && lag <= initial * 0.1) {
                double rate = (lag90 - lag) / ((now - at90) / 1e9);
                deployment.startWarmers();
                deployment.startApis();
                deployment.awaitCaughtUp(Duration.ofMinutes(5));
                return rate;
            }
            Thread.sleep(50);
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
