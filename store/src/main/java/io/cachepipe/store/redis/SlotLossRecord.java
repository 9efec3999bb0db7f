package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachepipe.store.kafka.SlotLossNotice;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The last slot loss the invalidator acted on ({@code <namespace>#slot-lost}, the {@link SlotLossNotice}
 * as cdc-capture sent it), kept for {@link #LIFE} so that {@code GET /cache/summary} can raise it as an
 * alarm after the log line has scrolled by.
 */
public final class SlotLossRecord {
    /** How long the summary shows a slot loss. */
    public static final Duration LIFE = Duration.ofHours(24);

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final byte[] key;
    private final ObjectMapper json;

    public SlotLossRecord(CacheStore store, ObjectMapper json) {
        this.redis = store.commands();
        this.key = bytes(store.keySpace().slotLossRecord());
        this.json = json;
    }

    public CompletionStage<Void> record(SlotLossNotice notice) {
        return redis.set(key, notice.encode(json), SetArgs.Builder.px(LIFE.toMillis())).thenAccept(ok -> { });
    }

    /** The slot loss on record, if one happened within {@link #LIFE}. */
    public CompletionStage<Optional<SlotLossNotice>> recorded() {
        return redis.get(key).thenApply(raw -> raw == null ? Optional.<SlotLossNotice>empty() : Optional.of(SlotLossNotice.decode(json, raw)));
    }
}
