package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.cachepipe.core.change.Version;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * How far the pipeline has applied the change topics: a hash ({@code <namespace>#applied}) of the
 * watermark each change-topic partition is applied up to, and how many partitions there are
 * ({@code #fanout}); the applied position is the lowest watermark once every partition has reported.
 * See {@link io.cachepipe.store.kafka.Watermarks}.
 */
final class AppliedWatermarks {
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final byte[] key;

    AppliedWatermarks(RedisClusterAsyncCommands<byte[], byte[]> redis, String key) {
        this.redis = redis;
        this.key = bytes(key);
    }

    /** Records that a change-topic partition is applied up to {@code watermark}. */
    CompletionStage<Void> markApplied(String topic, int partition, Version watermark, int fanout) {
        return RedisScript.APPLIED.<Long>run(redis, new byte[][] {key},
                bytes(topic + ":" + partition), bytes(watermark.hex()), bytes(fanout)).thenApply(done -> null);
    }

    /** The lowest watermark over every partition, once every partition has reported one; empty before that. */
    CompletionStage<Optional<Version>> appliedPosition() {
        return redis.hgetall(key).thenApply(fields -> {
            byte[] fanout = null;
            Version lowest = null;
            int partitions = 0;
            for (var entry : fields.entrySet()) {
                String field = new String(entry.getKey(), StandardCharsets.UTF_8);
                if (field.equals("#fanout")) {
                    fanout = entry.getValue();
                    continue;
                }
                partitions++;
                Version version = Version.parse(new String(entry.getValue(), StandardCharsets.UTF_8));
                lowest = lowest == null || version.compareTo(lowest) < 0 ? version : lowest;
            }
            boolean complete = fanout != null && partitions >= Integer.parseInt(new String(fanout, StandardCharsets.UTF_8));
            return complete ? Optional.ofNullable(lowest) : Optional.<Version>empty();
        });
    }
}
