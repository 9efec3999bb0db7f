package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;
import static io.cachepipe.store.redis.ScriptCodec.keysOf;
import static io.cachepipe.store.redis.ScriptCodec.text;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reading cache entries, and filling them on a miss without a race: a read that finds nothing takes
 * a lease ({@code read.lua}), and only the lease holder's {@link #fill} is written, unless an
 * invalidation voided the lease meanwhile. {@link #inspect} looks without taking a lease.
 */
final class LeasedReads {
    /** The entry fields holding the value's version and the newest invalidation seen for the key (see common.lua). */
    private static final byte[] VALUE_VERSION = bytes("v");
    private static final byte[] TOMBSTONE = bytes("t");

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final Duration leaseTtl;
    private final ViewRegistries registries;
    private final EntryLifetimes lifetimes;

    LeasedReads(RedisClusterAsyncCommands<byte[], byte[]> redis, Duration leaseTtl, ViewRegistries registries,
                EntryLifetimes lifetimes) {
        this.redis = redis;
        this.leaseTtl = leaseTtl;
        this.registries = registries;
        this.lifetimes = lifetimes;
    }

    /** Reads a key, or takes the lease to fill it. */
    CompletionStage<ReadResult> read(CacheKey key) {
        String token = UUID.randomUUID().toString();
        long graceMs = key.view().onChange() == ViewDefinition.ChangeMode.REFRESH ? key.view().staleGrace().toMillis() : 0;
        return RedisScript.READ.<List<Object>>run(redis, keysOf(key),
                        bytes(token), bytes(leaseTtl.toMillis()), bytes(graceMs), marksReads(key))
                .thenApply(reply -> switch (text(reply.get(0))) {
                    case "hit" -> new ReadResult.Hit((byte[]) reply.get(1), Version.parse(text(reply.get(2))));
                    case "stale" -> new ReadResult.Stale((byte[]) reply.get(1), Version.parse(text(reply.get(2))));
                    case "busy" -> new ReadResult.Busy();
                    case "lease" -> new ReadResult.Leased(token, Version.parse(text(reply.get(1))));
                    default -> throw new IllegalStateException("unexpected reply from read.lua: " + reply);
                });
    }

    /** Writes what a lease holder loaded; false if an invalidation voided the lease meanwhile. */
    CompletionStage<Boolean> fill(CacheKey key, ReadResult.Leased lease, byte[] value) {
        Duration ttl = lifetimes.ttl(key.view(), value);
        return registries.register(key, value).thenCompose(ignored -> RedisScript.FILL.<Long>run(redis, keysOf(key),
                        bytes(lease.token()), bytes(lease.fillVersion().hex()), value, bytes(ttl.toMillis()), marksReads(key)))
                .thenApply(written -> written == 1L);
    }

    /** "1" for a view on warm policy {@code read}, whose values the scripts mark when served; no other view pays for the mark. */
    private static byte[] marksReads(CacheKey key) {
        return bytes(key.view().warm() == ViewDefinition.WarmPolicy.READ ? "1" : "0");
    }

    /**
     * Each key's value version and newest invalidation ({@link EntryVersions}): one {@code HMGET} per key,
     * and a {@code GET} of its group's version, pipelined. Each read is the newest at the moment it was
     * made, so the invalidation answered was applied before the call returned.
     */
    CompletionStage<List<EntryVersions>> versions(List<CacheKey> keys) {
        List<CompletableFuture<EntryVersions>> each = new ArrayList<>(keys.size());
        for (CacheKey key : keys) {
            CompletableFuture<EntryVersions> entry = redis.hmget(bytes(key.redisKey()), VALUE_VERSION, TOMBSTONE).toCompletableFuture()
                    .thenApply(fields -> new EntryVersions(fields.get(0).map(LeasedReads::version).getValueOrElse(null),
                            fields.get(1).map(LeasedReads::version).getValueOrElse(Version.ZERO)));
            KeyGroup group = key.group();
            each.add(group == null ? entry : entry.thenCombine(redis.get(bytes(group.versionKey())),
                    (found, groupVersion) -> groupVersion == null ? found
                            : new EntryVersions(found.value(), found.newestInvalidation().max(version(groupVersion)))));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
    }

    private static Version version(byte[] stored) {
        return Version.parse(text(stored));
    }

    /** What Redis holds under a key right now, as a read would judge it, without taking a lease or touching anything. */
    CompletionStage<Inspection> inspect(CacheKey key) {
        return RedisScript.PEEK.<List<Object>>run(redis, keysOf(key)).thenApply(LeasedReads::inspection);
    }

    /** peek.lua's reply: {@code {d, v}}, or {@code {1}} when the key holds something else, {@code {0}} when nothing. */
    private static Inspection inspection(List<Object> reply) {
        if (reply.size() == 2) {
            return new Inspection.Current(new ReadResult.Hit((byte[]) reply.get(0), Version.parse(text(reply.get(1)))));
        }
        return (Long) reply.get(0) == 1L ? new Inspection.Superseded() : new Inspection.Absent();
    }
}
