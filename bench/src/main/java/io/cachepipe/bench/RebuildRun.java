package io.cachepipe.bench;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.ReadResult;
import io.cachepipe.testsupport.PartProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cachepipe rebuild} on an emptied Redis, run as an operator runs it (a JVM of its own,
 * {@code CACHEPIPE_*} settings), and beside it the same number of keys with values of the same sizes
 * written by pipelined {@code SET}: the ratio of the two says what the rebuild's reading, rendering and
 * version-guarded writes cost over the bare bytes.
 *
 * <p>The rebuild's CPU is its whole life, JVM start and compilation included, since that is what a
 * rebuild costs; its rate is over its own reported time (records read / its records per second), so
 * that the JVM's start does not count against it next to a {@code SET} loop in a warm JVM. Its rate is
 * in the keys it left in the cache, which is what a rebuild is for: the topics hold every change of a
 * row until compaction, and how many of those it reads, or how often it writes a key, is its own cost.
 * The writes it made are in the counts.
 */
final class RebuildRun {
    private static final String MAIN = "io.cachepipe.cli.CachepipeCommand";
    private static final int SET_IN_FLIGHT = 1_000;
    private static final long SET_SECONDS = 2;
    private static final int ATTEMPTS = 2;
    private static final Pattern RECORDS = Pattern.compile("change records read\\s+([\\d,]+) \\(([\\d,]+)/s\\)");
    private static final Pattern ROW_WRITES = Pattern.compile("row-image writes\\s+([\\d,]+)");
    private static final Pattern LOADED_WRITES = Pattern.compile("loaded writes\\s+([\\d,]+)");

    /** What the rebuild printed: records read, at what rate, and rows written from row images and from loads. */
    record Output(long records, double recordsPerSecond, long rowWrites, long loadedWrites) {
        long rows() {
            return rowWrites + loadedWrites;
        }

        double ownSeconds() {
            return records / recordsPerSecond;
        }
    }

    /** The rebuild and the baseline, measured one after the other. */
    record Result(StagesReport.Stage rebuild, StagesReport.Stage set) {
        /** Keys the rebuild left per second over SET keys per second. */
        double ratio() {
            return rebuild.perSecond() / set.perSecond();
        }
    }

    private final Deployment deployment;
    private final RedisProbe redis;
    private final StackCpu.Servers servers;

    RebuildRun(Deployment deployment, RedisProbe redis, StackCpu.Servers servers) {
        this.deployment = deployment;
        this.redis = redis;
        this.servers = servers;
    }

    /**
     * A rebuild on an emptied Redis, then pipelined SETs of as many keys as it left with the sizes of its
     * values, in passes over them until {@value #SET_SECONDS} s have gone by: one pass takes a fraction of a
     * second, too short to time on a shared machine. (Passes over fresh keys would leave Redis so full
     * that the next round's FLUSHALL blocks it.)
     */
    Result measure(String name) throws Exception {
        List<Integer> sizes;
        StagesReport.Stage rebuild = rebuild(name);
        sizes = valueSizes(deployment.store());
        rebuild = rebuild.counting("keys", sizes.size());
        List<Integer> keys = sizes;
        String prefix = deployment.store().keySpace().namespace() + "#bench-set:";
        Map<String, Long> before = redis.commandCalls();
        CpuUse cpu = CpuUse.ofThisProcess();
        StackCpu stack = StackCpu.start(servers);
        long started = System.nanoTime();
        long passes = 0;
        do {
            redis.pipelinedSet(prefix, keys, SET_IN_FLIGHT);
            passes++;
        } while (System.nanoTime() - started < SET_SECONDS * 1_000_000_000L);
        CpuUse.Usage used = cpu.usage();
        Map<String, Double> servers = new LinkedHashMap<>(stack.cores());
        servers.remove(StackCpu.KAFKA); // the SETs' process is this JVM, the broker's: counted as the stage
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("distinct keys the rebuild left", (long) sizes.size());
        counts.put("passes", passes);
        counts.put("value bytes per pass", (long) keys.stream().mapToInt(Integer::intValue).sum());
        counts.put("commands in flight", (long) SET_IN_FLIGHT);
        var set = new StagesReport.Stage(StagesReport.PIPELINED_SET, "keys", keys.size() * passes, 0, used.seconds(), used.cpuSeconds(),
                used.parts(), used.machine(), 0, 0, servers, RedisProbe.callsBetween(before, redis.commandCalls()), counts);
        return new Result(rebuild, set);
    }

    /**
     * One rebuild, measured. A rebuild that fails (one Redis command past its timeout ends it, and a
     * shared machine makes that happen) is run once more, and the report counts the failed attempt.
     */
    private StagesReport.Stage rebuild(String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Optional<StagesReport.Stage> done = rebuildOnce(name, attempt - 1);
            if (done.isPresent()) {
                return done.get();
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("cachepipe rebuild failed " + ATTEMPTS + " times; see " + Path.of("bench", "target", "parts", name + ".log"));
            }
        }
    }

    private Optional<StagesReport.Stage> rebuildOnce(String name, int failedBefore) throws Exception {
        redis.flushAll();
        PartProcess process = deployment.command(name, MAIN, List.of("rebuild", "--progress", "none"));
        long logStart = Files.exists(process.log()) ? Files.size(process.log()) : 0;
        Map<String, Long> before = redis.commandCalls();
        CpuUse cpu = CpuUse.ofExitingChildren();
        StackCpu stack = StackCpu.start(servers);
        process.start();
        double jitSeconds = 0;
        while (process.isAlive()) {
            try {
                // the highest reading: an exiting JVM's compiler threads are gone before it is; up to 20 ms short
                jitSeconds = Math.max(jitSeconds, PartProbe.jitSeconds(process.pid()));
            } catch (UncheckedIOException exited) {
                break;
            }
            Thread.sleep(20);
        }
        while (process.isAlive()) {
            Thread.sleep(5);
        }
        CpuUse.Usage used = cpu.usage();
        Map<String, Double> stackCores = stack.cores();
        Map<String, Long> calls = RedisProbe.callsBetween(before, redis.commandCalls());
        Optional<Output> parsed = parse(readFrom(process, logStart));
        if (parsed.isEmpty()) {
            System.out.println("    cachepipe rebuild failed; its log ends:\n" + process.logTail());
            return Optional.empty();
        }
        Output output = parsed.get();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("change records read", output.records());
        counts.put("row-image writes", output.rowWrites());
        counts.put("loaded writes", output.loadedWrites());
        counts.put("failed attempts before", (long) failedBefore);
        return Optional.of(new StagesReport.Stage(StagesReport.REBUILD, "rows", output.rows(), 0, output.ownSeconds(), used.cpuSeconds(),
                used.parts(), used.machine(), jitSeconds, used.seconds() - output.ownSeconds(), stackCores, calls, counts));
    }

    /** The summary {@code cachepipe rebuild} prints, or empty if it has none (it failed). */
    static Optional<Output> parse(String text) {
        Matcher records = RECORDS.matcher(text);
        Matcher rows = ROW_WRITES.matcher(text);
        Matcher loaded = LOADED_WRITES.matcher(text);
        if (!records.find() || !rows.find() || !loaded.find()) {
            return Optional.empty();
        }
        return Optional.of(new Output(number(records.group(1)), number(records.group(2)), number(rows.group(1)), number(loaded.group(1))));
    }

    private static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }

    private static String readFrom(PartProcess process, long offset) throws IOException {
        try (var file = new RandomAccessFile(process.log().toFile(), "r")) {
            file.seek(offset);
            byte[] bytes = new byte[(int) (file.length() - offset)];
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The size of every cached value, read through the store (each view's registry, then a peek per key). */
    static List<Integer> valueSizes(CacheStore store) {
        List<CompletableFuture<Optional<ReadResult.Hit>>> peeks = new ArrayList<>();
        for (ViewDefinition view : store.keySpace().catalog().views()) {
            for (CacheKey key : store.cachedKeys(view).toCompletableFuture().join()) {
                peeks.add(store.peek(key).toCompletableFuture());
            }
        }
        List<Integer> sizes = peeks.stream().map(CompletableFuture::join).flatMap(Optional::stream).map(hit -> hit.value().length).toList();
        if (sizes.isEmpty()) {
            throw new IllegalStateException("the rebuild left no value in the cache to size the SET baseline by");
        }
        return sizes;
    }
}
