package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.KeySpace;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A rebuild's bookkeeping in Redis, beside the cache entries of its namespace: the resumable position
 * ({@link KeySpace#rebuildCheckpoint}: which views the rebuild is for, the next offset of every
 * change-topic partition, the highest version read, the views already loaded from the database) and,
 * per view, the parameter sets still to load from the database ({@link KeySpace#rebuildParams}).
 * Every call but {@link #addParams} waits for its answer.
 */
public final class RebuildCheckpoint {
    private static final String MAX_VERSION = "#max-version";
    private static final String DONE = "#done:";
    private static final String VIEWS = "#views";

    /** What an interrupted rebuild recorded; empty when none did (or it was cleared). */
    public record Saved(Map<String, String> fields) {
        /** No checkpoint. */
        public static final Saved NONE = new Saved(Map.of());

        public Saved {
            fields = Map.copyOf(fields);
        }

        public boolean isEmpty() {
            return fields.isEmpty();
        }

        /** The views the checkpoint is for, as recorded (names, sorted, joined by commas); null if none are. */
        public @Nullable String views() {
            return fields.get(VIEWS);
        }

        /** Whether the checkpoint is for exactly these views. */
        public boolean isFor(Collection<String> views) {
            return selection(views).equals(views());
        }

        /** The highest version read from the topics so far, or {@link Version#ZERO}. */
        public Version maxVersion() {
            String recorded = fields.get(MAX_VERSION);
            return recorded == null ? Version.ZERO : Version.parse(recorded);
        }

        /** The next offset to read of one partition, or null if none was recorded. */
        public @Nullable Long offset(String topic, int partition) {
            String recorded = fields.get(field(topic, partition));
            return recorded == null ? null : Long.parseLong(recorded);
        }

        /** Whether the view's parameter sets were all loaded from the database. */
        public boolean loaded(String view) {
            return fields.containsKey(DONE + view);
        }
    }

    /** The next offset to read of one change-topic partition. */
    public record Offset(String topic, int partition, long next) {
    }

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final KeySpace keys;
    private final byte[] key;

    public RebuildCheckpoint(CacheStore store) {
        this.redis = store.connector().commands();
        this.keys = store.keySpace();
        this.key = bytes(keys.rebuildCheckpoint());
    }

    public Saved read() {
        Map<String, String> fields = new HashMap<>();
        redis.hgetall(key).toCompletableFuture().join().forEach((field, value) -> fields.put(text(field), text(value)));
        return new Saved(fields);
    }

    /** Records which views the rebuild is for, so that a rebuild of other views does not resume from here. */
    public void recordViews(Collection<String> views) {
        redis.hset(key, bytes(VIEWS), bytes(selection(views))).toCompletableFuture().join();
    }

    /** Records the position reached: the next offset of these partitions, and the highest version read. */
    public void recordPosition(List<Offset> offsets, Version maxVersion) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        offsets.forEach(offset -> fields.put(bytes(field(offset.topic(), offset.partition())), bytes(Long.toString(offset.next()))));
        fields.put(bytes(MAX_VERSION), bytes(maxVersion.hex()));
        redis.hset(key, fields).toCompletableFuture().join();
    }

    /** Records that the view's parameter sets were all loaded from the database. */
    public void recordLoaded(String view) {
        redis.hset(key, bytes(DONE + view), bytes("1")).toCompletableFuture().join();
    }

    /** Deletes the checkpoint and the parameter sets of these views. */
    public void clear(Collection<String> views) {
        List<byte[]> keys = new ArrayList<>();
        keys.add(key);
        views.forEach(view -> keys.add(paramsKey(view)));
        for (byte[] each : keys) {
            redis.del(each).toCompletableFuture().join();
        }
    }

    /** Adds parameter sets (JSON) the view will load from the database; answers when Redis has them. */
    public CompletableFuture<Void> addParams(String view, Collection<String> sets) {
        return redis.sadd(paramsKey(view), sets.stream().map(ScriptCodec::bytes).toArray(byte[][]::new))
                .toCompletableFuture().thenApply(added -> null);
    }

    /** Whether the view has parameter sets waiting. */
    public boolean hasParams(String view) {
        return redis.scard(paramsKey(view)).toCompletableFuture().join() > 0;
    }

    /** The view's waiting parameter sets (JSON). */
    public List<String> params(String view) {
        Set<byte[]> members = redis.smembers(paramsKey(view)).toCompletableFuture().join();
        List<String> sets = new ArrayList<>(members.size());
        members.forEach(member -> sets.add(text(member)));
        return sets;
    }

    private byte[] paramsKey(String view) {
        return bytes(keys.rebuildParams(view));
    }

    private static String selection(Collection<String> views) {
        return String.join(",", views.stream().sorted().toList());
    }

    private static String field(String topic, int partition) {
        return topic + ":" + partition;
    }

    private static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
