package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Which Redis server a namespace's data was last checked under: {@code <namespace>#origin} (no TTL)
 * holds that server's run id. A run id names one server process, so the key only ever matches the
 * server that answers when this process, on that server, wrote it. Data the server did not come by
 * through its own writes, but loaded from a file an earlier server wrote (an RDB or AOF restored,
 * a restart from a snapshot) or took over from its master (a replica promoted), names another run id,
 * or none at all if the file predates the key. The invalidator's restart guard reads it, distrusts
 * what such data holds, and then {@link #record records} the current server.
 */
public final class DataOrigin {
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final byte[] key;

    public DataOrigin(CacheStore store) {
        this.redis = store.commands();
        this.key = bytes(store.keySpace().origin());
    }

    /** The run id on record; empty when the namespace has none (a fresh namespace, or data from before the key). */
    public CompletionStage<Optional<String>> recorded() {
        return redis.get(key).thenApply(raw -> raw == null ? Optional.<String>empty() : Optional.of(new String(raw, StandardCharsets.UTF_8)));
    }

    /** Records that the namespace's data was checked under the server with this run id. */
    public CompletionStage<Void> record(String runId) {
        return redis.set(key, bytes(runId)).thenAccept(ok -> { });
    }
}
