package io.cachepipe.bench;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.testsupport.PartProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cost model of the pipeline, one stage at a time: how many changes per second each stage gets
 * through and what CPU it spends per change, when it has a backlog to itself. The parts run as
 * processes ({@link Deployment}, one of each) on a catalog whose every key was read once, so changes
 * invalidate cached keys, produce warm requests and row-image writes as in production.
 *
 * <p>One drain writes {@code N} changes in 100-row transactions ({@link BacklogWriter}) while
 * cdc-capture, the invalidator and the warmer are frozen, then lets them through one after the other,
 * each measured alone ({@link StageMeter}):
 * <ol>
 *   <li>cdc-capture thawed, until the change topics grew by N (PostgreSQL kept the WAL for the slot);</li>
 *   <li>the invalidator thawed, until the offsets it records as applied in Redis grew by as many records;</li>
 *   <li>the warmer thawed, until its group's committed offsets reached the warm topic's end.</li>
 * </ol>
 * Quarter-size drains come first until every stage's JIT has settled ({@link DrainRounds}); then
 * {@value #MEASURED_DRAINS} measured drains, of which each stage reports its median ({@link #medians}). Then the
 * pipeline stops, and {@link RebuildRun} measures {@code cachepipe rebuild} on an emptied Redis beside
 * pipelined {@code SET}s of the same keys and sizes, once to warm up and once measured.
 */
final class StagesBenchmark {
    record Options(int products, int categories, int changes, Map<String, String> overrides) {
    }

    static final Deployment.Layout LAYOUT = new Deployment.Layout("stages", 1, 1, 1);
    /** Measured drains after the warm-ups; each stage reports its median one. */
    static final int MEASURED_DRAINS = 3;

    /** The three pipeline stages of one drain, and what the backlog made of them. */
    private record Drain(long changes, StageMeter.Window cdc, StageMeter.Window invalidator, long warmRequests,
                         StageMeter.Window warmer, long loads) {
        boolean settled() {
            return DrainRounds.settled(cdc.jitSeconds(), cdc.cpu().seconds(), 1)
                    && DrainRounds.settled(invalidator.jitSeconds(), invalidator.cpu().seconds(), 1)
                    && DrainRounds.settled(warmer.jitSeconds(), warmer.cpu().seconds(), 1);
        }
    }

    private final DevStack stack;
    private final Options options;
    private final PrintStream out;

    StagesBenchmark(DevStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
    }

    StagesReport run() throws Exception {
        out.println("starting cdc-capture, an invalidator, a warmer and an API as processes ...");
        try (Deployment deployment = Deployment.start(stack, LAYOUT, options.products(), options.categories(), null, options.overrides())) {
            fillCache(deployment);
            var redis = new RedisProbe(deployment.store().connector());
            var servers = StackCpu.Servers.of(deployment.pool(), redis);
            var meter = new StageMeter(servers, redis);
            var writer = new BacklogWriter(deployment.pool(), options.products());
            int warmUps = DrainRounds.warmUp(options.changes() / 4, backlog -> drain(deployment, meter, redis, writer, backlog), Drain::settled,
                    (drain, round) -> print("warm-up drain " + round, drain));
            List<List<StagesReport.Stage>> drains = new ArrayList<>();
            for (int round = 1; round <= MEASURED_DRAINS; round++) {
                Drain measured = drain(deployment, meter, redis, writer, options.changes());
                print("measured drain " + round + " of " + MEASURED_DRAINS, measured);
                drains.add(pipelineStages(measured));
            }
            List<StagesReport.Stage> stages = new ArrayList<>(medians(drains));
            deployment.stopPipeline();
            var rebuilds = new RebuildRun(deployment, redis, servers);
            print("warm-up rebuild", rebuilds.measure("stages-rebuild-warm-up"));
            RebuildRun.Result rebuild = rebuilds.measure("stages-rebuild");
            print("measured rebuild", rebuild);
            stages.add(rebuild.rebuild());
            stages.add(rebuild.set());
            return new StagesReport(BenchCommand.meta(Map.of("products", Integer.toString(options.products()),
                    "categories", Integer.toString(options.categories()), "changes", Integer.toString(options.changes()), "settings", options.overrides().toString())),
                    options.products(), options.categories(), options.changes(), warmUps, stages, rebuild.ratio());
        }
    }

    /** Every key read once through the API, so that changes hit cached keys; then the API stops. */
    private void fillCache(Deployment deployment) throws Exception {
        List<String> paths = Workload.catalog(options.products(), options.categories(), 1.0).everyPath();
        out.printf(Locale.ROOT, "  reading every one of %,d keys once, then stopping the API%n", paths.size());
        long failed = new LoadGenerator(deployment.apis().getFirst(), 16, new LongAdder()).once(paths);
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + paths.size() + " reads that fill the cache failed");
        }
        deployment.awaitCaughtUp(Duration.ofMinutes(5));
        deployment.stopApis();
    }

    private Drain drain(Deployment deployment, StageMeter meter, RedisProbe redis, BacklogWriter writer, int backlog) throws Exception {
        KafkaView kafka = deployment.kafka();
        PartProcess cdc = deployment.cdc();
        PartProcess invalidator = deployment.invalidators().getFirst();
        PartProcess warmer = deployment.warmers().getFirst();
        String appliedKey = deployment.store().keySpace().applied();
        long records = kafka.changeRecords();
        long applied = redis.appliedOffsets(appliedKey);
        DrainRounds.awaitCompiled(List.of(cdc, invalidator, warmer), Duration.ofMinutes(1));
        long warm = kafka.warmRecords();
        long loads = PartProbe.counter(warmer, PartProbe.WARMER_LOADS);
        deployment.freezeConsumers();
        deployment.freezeCdc();
        long written = writer.write(backlog);
        StageMeter.Window cdcWindow = meter.measure(cdc, records, kafka::changeRecords, records + written);
        long captured = kafka.changeRecords();
        StageMeter.Window invalidatorWindow = meter.measure(invalidator, applied,
                () -> redis.appliedOffsets(appliedKey), applied + captured - records);
        long warmRequests = DrainRounds.awaitSettled("warm requests", kafka::warmRecords, warm, Duration.ofMillis(500),
                Duration.ofMinutes(2)) - warm;
        if (warmRequests == 0) {
            throw new IllegalStateException(written + " changes of cached rows produced no warm request: was the cache filled?");
        }
        StageMeter.Window warmerWindow = meter.measure(warmer, warm, kafka::warmRecordsHandled, warm + warmRequests);
        long loaded = PartProbe.counter(warmer, PartProbe.WARMER_LOADS) - loads;
        deployment.awaitCaughtUp(Duration.ofMinutes(5));
        return new Drain(written, cdcWindow, invalidatorWindow, warmRequests, warmerWindow, loaded);
    }

    /**
     * Per stage, the drain of median rate, with the slowest and fastest rates among the drains in its
     * counts: one drain on this machine varies by a fifth from the next, and a median of three is a
     * figure the next run can reproduce.
     */
    static List<StagesReport.Stage> medians(List<List<StagesReport.Stage>> drains) {
        List<StagesReport.Stage> medians = new ArrayList<>();
        for (int stage = 0; stage < drains.getFirst().size(); stage++) {
            int index = stage;
            List<StagesReport.Stage> runs = drains.stream().map(drain -> drain.get(index))
                    .sorted(Comparator.comparingDouble(StagesReport.Stage::perSecond)).toList();
            StagesReport.Stage median = runs.get(runs.size() / 2);
            Map<String, Long> counts = new LinkedHashMap<>(median.counts());
            counts.put("drains measured", (long) runs.size());
            counts.put("slowest drain per second", Math.round(runs.getFirst().perSecond()));
            counts.put("fastest drain per second", Math.round(runs.getLast().perSecond()));
            medians.add(new StagesReport.Stage(median.name(), median.unit(), median.items(), median.itemsPerChange(), median.seconds(),
                    median.cpuSeconds(), median.processCores(), median.machineBusy(), median.jitSeconds(), median.startSeconds(),
                    median.stackCores(), median.redisCalls(), counts));
        }
        return medians;
    }

    private static List<StagesReport.Stage> pipelineStages(Drain drain) {
        Map<String, Long> invalidated = new LinkedHashMap<>();
        invalidated.put("warm requests sent", drain.warmRequests());
        Map<String, Long> warmed = new LinkedHashMap<>();
        warmed.put("warm requests", drain.warmRequests());
        warmed.put("database loads", drain.loads());
        return List.of(StageMeter.stage(StagesReport.CDC, "changes", drain.cdc(), 1, Map.of()),
                StageMeter.stage(StagesReport.INVALIDATOR, "changes", drain.invalidator(), 1, invalidated),
                StageMeter.stage(StagesReport.WARMER, "warm requests", drain.warmer(), (double) drain.warmRequests() / drain.changes(), warmed));
    }

    private void print(String what, Drain drain) {
        out.printf(Locale.ROOT, "  %s of %,d changes:%n", what, drain.changes());
        window("cdc-capture", "changes", drain.cdc());
        window("invalidator", "changes", drain.invalidator());
        window("warmer", "warm requests", drain.warmer());
        out.printf(Locale.ROOT, "    %,d warm requests, %,d database loads%n", drain.warmRequests(), drain.loads());
    }

    private void print(String what, RebuildRun.Result result) {
        StagesReport.Stage rebuild = result.rebuild();
        StagesReport.Stage set = result.set();
        out.printf(Locale.ROOT, "  %s: %,d keys in %.2f s = %,.0f/s (%,d change records read), CPU %.1f µs per key (%.2f s in all, JIT CPU %.2f s,"
                        + " JVM start %.2f s); pipelined SET of as many keys %,.0f/s: rebuild / SET %.2f%n", what, rebuild.items(),
                rebuild.seconds(), rebuild.perSecond(), rebuild.counts().get("change records read"), rebuild.cpuMicrosPerItem(), rebuild.cpuSeconds(),
                rebuild.jitSeconds(), rebuild.startSeconds(), set.perSecond(), result.ratio());
    }

    private void window(String stage, String unit, StageMeter.Window window) {
        out.printf(Locale.ROOT, "    %-12s %,8d %s in %5.2f s = %,9.0f/s, CPU %6.1f µs each, %.2f cores, machine %3.0f%% busy,"
                        + " JIT CPU %.2f s, start %.2f s%n", stage, window.items(), unit, window.cpu().seconds(),
                window.items() / window.cpu().seconds(), window.cpu().cpuSeconds() * 1e6 / Math.max(1, window.items()), window.cpu().parts(),
                100 * window.cpu().machine(), window.jitSeconds(), window.startSeconds());
    }
}
