package io.cachepipe.store.redis;

import io.cachepipe.core.view.KeySpace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last {@code cachepipe replay} recorded ({@link KeySpace#replayStatus}): written by the replay
 * as it moves, read by {@code GET /admin/replay/status}. Fields and values are text.
 */
public final class ReplayStatus {
    /** The state a replay records when it starts moving offsets: the fields of an earlier replay are dropped. */
    public static final String MOVING = "moving";

    private final RedisConnector redis;
    private final byte[] key;

    public ReplayStatus(RedisConnector redis, KeySpace keys) {
        this.redis = redis;
        this.key = bytes(keys.replayStatus());
    }

    /** Records {@code fields} (and the time, as {@code updatedAt}); a {@code state} of {@link #MOVING} starts afresh. */
    public void record(Map<String, String> fields, Instant now) {
        Map<byte[], byte[]> raw = new LinkedHashMap<>();
        fields.forEach((field, value) -> raw.put(bytes(field), bytes(value)));
        raw.put(bytes("updatedAt"), bytes(now.toString()));
        if (MOVING.equals(fields.get("state"))) {
            redis.commands().del(key).toCompletableFuture().join();
        }
        redis.commands().hset(key, raw).toCompletableFuture().join();
    }

    /** The recorded fields, sorted by name; empty when no replay has run against the namespace. */
    public Map<String, String> read() {
        Map<String, String> sorted = new TreeMap<>();
        redis.commands().hgetall(key).toCompletableFuture().join()
                .forEach((field, value) -> sorted.put(new String(field, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8)));
        return sorted;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
