package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;
import static io.cachepipe.store.redis.ScriptCodec.keysOf;
import static io.cachepipe.store.redis.ScriptCodec.mode;
import static io.cachepipe.store.redis.ScriptCodec.policy;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.CacheStore.Invalidation;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The version-guarded changes to cache entries, one key (or one group, or one view) at a time: writes
 * of loaded values, row images replacing a value, invalidations that leave a tombstone of their
 * version, and the operator's flush. Each runs as one script, so an older value can never replace a
 * newer one; a key that may be written is registered first ({@link ViewRegistries}).
 */
final class VersionedWrites {
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final KeySpace keys;
    private final Clock clock;
    private final ViewRegistries registries;
    private final EntryLifetimes lifetimes;

    VersionedWrites(RedisClusterAsyncCommands<byte[], byte[]> redis, KeySpace keys, Clock clock, ViewRegistries registries,
                    EntryLifetimes lifetimes) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.registries = registries;
        this.lifetimes = lifetimes;
    }

    /** Version-guarded write of a value loaded because of the change with this version. */
    CompletionStage<Boolean> write(CacheKey key, Version version, byte[] value) {
        Duration ttl = lifetimes.ttl(key.view(), value);
        return registries.register(key, value).thenCompose(ignored -> RedisScript.WRITE.<Long>run(redis, keysOf(key),
                        bytes(version.hex()), value, bytes(ttl.toMillis())))
                .thenApply(written -> written == 1L);
    }

    /** Invalidates one key; {@code mayWarm} false never asks for a re-warm, whatever the view's policy. */
    CompletionStage<Invalidation> invalidate(CacheKey key, Version version, boolean mayWarm) {
        ViewDefinition view = key.view();
        return RedisScript.INVALIDATE.<List<Object>>run(redis, new byte[][] {bytes(key.redisKey())},
                        bytes(version.hex()), mode(view), bytes(tombstoneMillis()),
                        mayWarm ? policy(view) : bytes("never"))
                .thenApply(reply -> new Invalidation(key, (Long) reply.get(0) == 1L, (Long) reply.get(1) == 1L));
    }

    /** A row image as the key's whole value, written with the invalidation if the warm policy would re-warm it; see {@code replace.lua}. */
    CompletionStage<Invalidation> replace(CacheKey key, Version version, byte[] value) {
        ViewDefinition view = key.view();
        if (key.group() != null) {
            throw new IllegalArgumentException("replace is for keys without a group: " + key);
        }
        Duration ttl = lifetimes.ttl(view, value);
        // Policy 'always' may write a key never registered: register first, as every write does. Under
        // 'cached' the script writes only a key that holds something, so it is registered already, until
        // after its current expiry: a value replaced keeps that expiry, and only a key that held no value
        // (a re-warm pending) gets a new one (2), extending its registry entry after the script. A change
        // to a row nobody reads never enters the registry.
        CompletionStage<Long> registeredFirst = view.warm() == ViewDefinition.WarmPolicy.ALWAYS
                ? registries.register(key, value) : CompletableFuture.completedFuture(0L);
        return registeredFirst
                .thenCompose(ignored -> RedisScript.REPLACE.<Long>run(redis, new byte[][] {bytes(key.redisKey())}, bytes(version.hex()),
                        value, bytes(ttl.toMillis()), bytes(tombstoneMillis()), policy(view)))
                .thenCompose(written -> written == 2L && view.warm() != ViewDefinition.WarmPolicy.ALWAYS
                        ? registries.register(key, value).thenApply(extended -> written) : CompletableFuture.completedFuture(written))
                .thenApply(written -> new Invalidation(key, written >= 1L, false));
    }

    /** Invalidates every member of a group; answers the members to re-warm. */
    CompletionStage<List<CacheKey>> invalidateGroup(ViewDefinition view, KeyGroup group, Version version) {
        return RedisScript.INVALIDATE_GROUP.<List<Object>>run(redis,
                        new byte[][] {bytes(group.indexKey()), bytes(group.versionKey())},
                        bytes(version.hex()), mode(view), bytes(tombstoneMillis()), policy(view))
                .thenApply(reply -> ScriptCodec.parseKeys(keys, reply));
    }

    /** Drops one key's value for an operator (see {@code flush.lua}), never letting an older one back in. */
    CompletionStage<Boolean> flush(String redisKey) {
        return RedisScript.FLUSH.<Long>run(redis, new byte[][] {bytes(redisKey)}, bytes(tombstoneMillis()))
                .thenApply(dropped -> dropped == 1L);
    }

    private long tombstoneMillis() {
        return lifetimes.tombstoneTtl().toMillis();
    }
}
