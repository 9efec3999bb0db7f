package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.cachepipe.core.change.Version;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How far the pipeline has applied the change topics, in one hash ({@code <namespace>#applied}, one
 * key, so one round trip and one slot on Redis Cluster):
 * <ul>
 *   <li>{@code o:<topic>:<partition>}: the next offset of the partition to apply; every record before
 *       it has its effects in Redis. Written by the invalidator after each batch, never moved back.</li>
 *   <li>{@code w:<version>}: a watermark and the end offset of every change-topic partition it stands
 *       for, as cdc-capture published it; the newest {@link #KEPT} are kept.</li>
 * </ul>
 * The applied position is the newest watermark whose end offsets are all applied. See
 * {@link io.cachepipe.store.kafka.Watermarks}.
 */
final class AppliedWatermarks {
    /** Watermarks kept: enough that one is still reachable while newer ones pass under load. */
    static final int KEPT = 64;
    private static final String OFFSET = "o:";
    private static final String WATERMARK = "w:";

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final byte[] key;

    AppliedWatermarks(RedisClusterAsyncCommands<byte[], byte[]> redis, String key) {
        this.redis = redis;
        this.key = bytes(key);
    }

    /** Records the next offset to apply of each partition ({@code <topic>:<partition>}); one that is behind changes nothing. */
    CompletionStage<Void> markApplied(Map<String, Long> nextOffsets) {
        if (nextOffsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        byte[][] args = new byte[nextOffsets.size() * 2][];
        int i = 0;
        for (var partition : nextOffsets.entrySet()) {
            args[i++] = bytes(OFFSET + partition.getKey());
            args[i++] = bytes(partition.getValue());
        }
        return RedisScript.APPLIED.<Long>run(redis, new byte[][] {key}, args).thenApply(done -> null);
    }

    /** Records a watermark and the end offset of each partition ({@code <topic>:<partition>}) it stands for. */
    CompletionStage<Void> recordWatermark(Version watermark, Map<String, Long> endOffsets) {
        var encoded = new StringBuilder();
        endOffsets.forEach((partition, offset) -> {
            if (offset > 0) {
                encoded.append(encoded.isEmpty() ? "" : ",").append(partition).append('=').append(offset);
            }
        });
        return RedisScript.WATERMARK.<Long>run(redis, new byte[][] {key}, bytes(watermark.hex()), bytes(encoded.toString()),
                bytes(KEPT)).thenApply(done -> null);
    }

    /** The newest watermark whose end offsets are all applied; empty if none is (or none was recorded). */
    CompletionStage<Optional<Version>> appliedPosition() {
        return redis.hgetall(key).thenApply(AppliedWatermarks::appliedPosition);
    }

    static Optional<Version> appliedPosition(Map<byte[], byte[]> fields) {
        Map<String, Long> applied = new HashMap<>();
        Map<Version, String> watermarks = new HashMap<>();
        fields.forEach((name, value) -> {
            String field = new String(name, StandardCharsets.UTF_8);
            String text = new String(value, StandardCharsets.UTF_8);
            if (field.startsWith(OFFSET)) {
                applied.put(field.substring(OFFSET.length()), Long.parseLong(text));
            } else if (field.startsWith(WATERMARK)) {
                watermarks.put(Version.parse(field.substring(WATERMARK.length())), text);
            }
        });
        Version newest = null;
        for (var watermark : watermarks.entrySet()) {
            if ((newest == null || watermark.getKey().compareTo(newest) > 0) && reached(watermark.getValue(), applied)) {
                newest = watermark.getKey();
            }
        }
        return Optional.ofNullable(newest);
    }

    private static boolean reached(String endOffsets, Map<String, Long> applied) {
        if (endOffsets.isEmpty()) {
            return true;
        }
        for (String entry : endOffsets.split(",")) {
            int equals = entry.lastIndexOf('=');
            if (applied.getOrDefault(entry.substring(0, equals), 0L) < Long.parseLong(entry.substring(equals + 1))) {
                return false;
            }
        }
        return true;
    }
}
