package io.cachepipe.store.redis;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared list of hot keys, {@code <ns>#hot}: a sorted set every API instance adds its reads to
 * (increments, so instances add up), bounded to the top {@code capacity} entries and forgotten a day
 * after the last report, so warming follows recent traffic.
 */
public final class HotKeyStore {
    private static final Duration RETENTION = Duration.ofDays(1);
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final byte[] key;

    public HotKeyStore(CacheStore store) {
        this.redis = store.connector().commands();
        this.key = store.keySpace().hotKeys().getBytes(StandardCharsets.UTF_8);
    }

    /** Adds read counts and trims the set to the top {@code capacity}. */
    public void report(Map<String, Long> increments, int capacity) {
        if (increments.isEmpty()) {
            return;
        }
        List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
        increments.forEach((member, count) -> inFlight.add(
                redis.zincrby(key, count, member.getBytes(StandardCharsets.UTF_8)).toCompletableFuture()));
        inFlight.add(redis.zremrangebyrank(key, 0, -(capacity + 1L)).toCompletableFuture());
        inFlight.add(redis.pexpire(key, RETENTION.toMillis()).toCompletableFuture());
        java.util.concurrent.CompletableFuture.allOf(inFlight.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
    }

    /** The hottest keys, hottest first, with their counts. */
    public Map<String, Long> top(int limit) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (ScoredValue<byte[]> value : redis.zrevrangeWithScores(key, 0, limit - 1L).toCompletableFuture().join()) {
            out.put(new String(value.getValue(), StandardCharsets.UTF_8), (long) value.getScore());
        }
        return out;
    }
}
