package io.cachepipe.bench;

import static io.cachepipe.bench.Markdown.fmt;

/**
 * The scale-out section of docs/benchmarks.md, from {@code load.json}'s scale-out runs: the layouts
 * side by side, what limited them, who held which partitions, and the audit after the kills.
 */
final class ScaleOutDoc {
    private ScaleOutDoc() {
    }

    /** The section of docs/benchmarks.md. */
    static String markdown(Report.ScaleOut scale) {
        var md = new Markdown();
        md.line("## Scale-out");
        md.line("");
        md.line("Separate processes against one stack, change and warm topics of " + Deployment.PARTITIONS + " partitions in both layouts; "
                + "see [scaling.md](scaling.md) for the playbook. Read throughput is the mixed workload saturating, with the same number of "
                + "client connections per API (more instances serve more clients), after a warm-up run of the same length. Changes/s is how "
                + "fast the invalidators drain a backlog written while they were frozen (SIGSTOP), counted by their own metrics from the "
                + "moment every instance takes part until 80% of the backlog is done, over two such drains; before them, drains of the same size "
                + "warm each instance until its JIT compilers used under a tenth of a drain's CPU (at most " + DrainRounds.MAX_WARM_UPS
                + " drains), and each drain waits for the compilers to go quiet before the freeze. CPU is what the measured processes used meanwhile (1.0 = one core), "
                + "*busy* the share of the whole machine's cores in use: parts at their quota on a machine with idle cores were the "
                + "limit; a machine near 100% busy was.");
        md.line("");
        if (scale.cpuLimit() > 0) {
            md.line(fmt("**Each process ran with a CPU limit of %.2f cores while measured** (a cgroup of its own with a CFS quota, as "
                    + "`resources.limits.cpu` gives each pod, and `-XX:ActiveProcessorCount` to match, as a JVM in such a pod sees): "
                    + "instances get capacity of their own, as they would on their own cores or nodes, while PostgreSQL, Kafka, Redis and "
                    + "the load generator keep the rest of the machine. Processes start and warm up without the limit, as a pod that has "
                    + "run for a while is warm; under a small quota a cold JVM spends minutes compiling, and each added instance compiles "
                    + "the same code again.", scale.cpuLimit()));
        } else {
            md.line("**No CPU limit per process: on a 2-core machine more processes do not add throughput, they take it away.** PostgreSQL, "
                    + "Kafka, Redis, the load generator and every process already share two cores, so each extra JVM adds its own JIT, GC "
                    + "and near cache and finds no idle core to run on. `bin/bench load --cpu-limit 0.25` gives each process a quota of its "
                    + "own, as pods have.");
        }
        md.line("");
        md.line("What the run shows besides throughput: Kafka shares the partitions between the instances, an instance killed under "
                + "writes hands its partitions over, and the cache stays coherent through it.");
        md.line("");
        md.line("| layout | read req/s | APIs' CPU | machine busy | changes/s applied | invalidators' CPU | of it JIT | machine busy "
                + "| changes per invalidator |");
        md.line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (Report.ScaleOutRun run : scale.runs()) {
            md.line(fmt("| %s | %,.0f | %.2f | %.0f%% | %,.0f | %.2f | %.0f%% | %.0f%% | %s |", run.layout(), run.readThroughput(),
                    run.readCpu(), 100 * run.readMachineBusy(), run.changesPerSecond(), run.drainCpu(), 100 * run.drainJitShare(),
                    100 * run.drainMachineBusy(), run.drainPerInstance() == null ? "" : run.drainPerInstance().stream()
                            .map(n -> fmt("%,d", n)).collect(java.util.stream.Collectors.joining(" / "))));
        }
        md.line("");
        if (scale.runs().size() == 2) {
            Report.ScaleOutRun single = scale.runs().get(0);
            Report.ScaleOutRun scaled = scale.runs().get(1);
            double reads = scaled.readThroughput() / single.readThroughput();
            double drain = scaled.changesPerSecond() / single.changesPerSecond();
            md.line(fmt("Scaled / single in this run: reads **%.2fx**, backlog drain **%.2fx**.", reads, drain)
                    + limitedBy("reads", reads, scaled.readMachineBusy()) + limitedBy("drain", drain, scaled.drainMachineBusy())
                    + stillCompiling(single, scaled));
            md.line("");
        }
        md.line("Partition assignment while 2 invalidators and 2 warmers ran (Kafka's own view, `Admin.describeConsumerGroups`):");
        md.line("");
        md.line("```");
        scale.invalidatorAssignments().forEach(md::line);
        scale.warmerAssignments().forEach(md::line);
        md.line("```");
        md.line("");
        md.line(fmt("Audit after the writers stopped and the pipeline drained: %,d entries checked, **%d stale**.", scale.checkedByAudit(),
                scale.staleAfterAudit()));
        md.line("");
        return md.toString();
    }

    /**
     * Why the drain ratio is not a clean scaling figure, when the invalidators' compilers took a tenth or more
     * of their CPU in either layout's window: under a quota the compilers' CPU is the instances' own. They do
     * not go quiet between drains: a JFR recording of one instance on 2026-12-07 counted 60-90 compilations
     * per drain after the first 9,000, and 219 deoptimizations over its life (45% {@code unstable_if}: a
     * branch its profile had never seen taken), spread over the drains; which of them the drains' shape
     * causes is not known yet.
     */
    private static String stillCompiling(Report.ScaleOutRun single, Report.ScaleOutRun scaled) {
        if (Math.max(single.drainJitShare(), scaled.drainJitShare()) < 0.1) {
            return "";
        }
        return fmt(" The invalidators were still compiling in the measured drains: their JIT compiler threads used %.0f%% of their CPU "
                + "with one instance and %.0f%% with two, inside each quota, so the drain rates include compiling and their ratio is "
                + "not a clean scaling figure.", 100 * single.drainJitShare(), 100 * scaled.drainJitShare());
    }

    /** Why a figure did not grow with the instances, when the machine says so. */
    private static String limitedBy(String figure, double ratio, double machineBusy) {
        if (ratio >= 1.2 || machineBusy < 0.9) {
            return "";
        }
        return fmt(" The %s did not grow because the machine was %.0f%% busy: the stack, the load generator and the processes "
                + "shared its two cores, so the machine, not the parts, was the limit.", figure, 100 * machineBusy);
    }
}
