package io.cachepipe.bench;

import io.cachepipe.store.redis.RedisConnector;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The stages benchmark's own Redis commands, in one place: the server's statistics ({@code INFO
 * commandstats}: what a stage made Redis do; {@code process_id}: whose CPU to count), {@code FLUSHALL}
 * before a rebuild, and the pipelined-{@code SET} baseline a rebuild is compared with. The cache
 * itself is only ever read through {@link io.cachepipe.store.redis.CacheStore}; these raw commands are
 * for a dev stack whose Redis serves this benchmark alone.
 */
final class RedisProbe {
    /** The commands that read the statistics and the applied offsets, left out of them: the cache never calls them. */
    private static final Set<String> OWN_COMMANDS = Set.of("info", "hscan");

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;

    RedisProbe(RedisConnector connector) {
        this.redis = connector.commands();
    }

    /** Calls of every command since the server started (or its statistics were reset). */
    Map<String, Long> commandCalls() {
        return commandCalls(join(redis.info("commandstats")));
    }

    /** The server's process id, as it reports it. */
    long serverPid() {
        return join(redis.info("server")).lines().filter(line -> line.startsWith("process_id:")).findFirst()
                .map(line -> Long.parseLong(line.substring("process_id:".length()).strip()))
                .orElseThrow(() -> new IllegalStateException("Redis did not report its process_id"));
    }

    /**
     * How far the invalidators have applied the change topics: the sum over every partition of the next
     * offset to apply, as they record it after each batch ({@code o:} fields of the applied-position hash,
     * {@link io.cachepipe.core.view.KeySpace#applied()}). Read from Redis, so that watching an invalidator's
     * progress costs it nothing: its {@code /metrics} page, asked every 50 ms, cost it a tenth of its CPU.
     */
    long appliedOffsets(String appliedKey) {
        long sum = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            MapScanCursor<byte[], byte[]> page = join(redis.hscan(appliedKey.getBytes(StandardCharsets.UTF_8), cursor,
                    ScanArgs.Builder.matches("o:*").limit(1_000)));
            for (byte[] offset : page.getMap().values()) {
                sum += Long.parseLong(new String(offset, StandardCharsets.US_ASCII));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return sum;
    }

    /** Empties every database: a rebuild then starts from nothing, as after a Redis loss. */
    void flushAll() {
        join(redis.flushall());
    }

    /**
     * Writes one key per entry of {@code sizes} (named {@code prefix + i}) with a value of that many
     * bytes, by plain {@code SET}, up to {@code inFlight} commands outstanding: the fastest way to put
     * these bytes into Redis, with none of the cache's bookkeeping. Answers the seconds it took.
     */
    double pipelinedSet(String prefix, List<Integer> sizes, int inFlight) throws InterruptedException {
        Map<Integer, byte[]> values = new HashMap<>();
        var permits = new Semaphore(inFlight);
        long started = System.nanoTime();
        for (int i = 0; i < sizes.size(); i++) {
            byte[] value = values.computeIfAbsent(sizes.get(i), size -> "x".repeat(size).getBytes(StandardCharsets.US_ASCII));
            permits.acquire();
            redis.set((prefix + i).getBytes(StandardCharsets.UTF_8), value).whenComplete((reply, failure) -> permits.release());
        }
        if (!permits.tryAcquire(inFlight, 2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("pipelined SETs still outstanding after 2 minutes");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Command name → calls, from the text of {@code INFO commandstats} ({@code cmdstat_get:calls=3,usec=...}). */
    static Map<String, Long> commandCalls(String info) {
        Map<String, Long> calls = new TreeMap<>();
        info.lines().filter(line -> line.startsWith("cmdstat_")).forEach(line -> {
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                if (field.startsWith("calls=")) {
                    calls.put(name, Long.parseLong(field.substring("calls=".length()).strip()));
                }
            }
        });
        return calls;
    }

    /** Calls made between two readings, per command, without the statistics' own {@code INFO} and commands not called. */
    static Map<String, Long> callsBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> calls = new TreeMap<>();
        after.forEach((name, count) -> {
            long made = count - before.getOrDefault(name, 0L);
            if (made > 0 && !OWN_COMMANDS.contains(name)) {
                calls.put(name, made);
            }
        });
        return calls;
    }

    /** Calls per unit in all and of the three most called commands: {@code 3.32 (hmget 1.34, hset 1.24, pexpire 0.28)}. */
    static String perUnit(Map<String, ? extends Number> calls, double units) {
        double all = calls.values().stream().mapToDouble(Number::doubleValue).sum();
        if (all == 0 || units <= 0) {
            return "0";
        }
        String top = calls.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, ? extends Number> call) -> call.getValue().doubleValue()).reversed())
                .limit(3)
                .map(call -> String.format(Locale.ROOT, "%s %.2f", call.getKey(), call.getValue().doubleValue() / units))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%.2f (%s)", all / units, top);
    }

    private static <T> T join(CompletionStage<T> reply) {
        return reply.toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }
}
