package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;
import static io.cachepipe.store.redis.ScriptCodec.text;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.redis.CacheStore.Registration;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.DoubleToLongFunction;
import java.util.random.RandomGenerator;

/**
 * The views' registries: one sorted set per view naming every key (for a pattern view, every group
 * index) that may hold a value, scored by when it stops mattering ({@link EntryLifetimes#registryExpiry}).
 * A key is registered before its value is written, so a whole-view invalidation reaches every value;
 * the registries are pruned by score as they are written, and read to find a view's cached keys.
 */
final class ViewRegistries {
    /** One registration in this many prunes its view's registry of expired members. */
    static final int PRUNE_ONE_IN = 64;

    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final KeySpace keys;
    private final EntryLifetimes lifetimes;
    private final Clock clock;
    private final RandomGenerator random;

    ViewRegistries(RedisClusterAsyncCommands<byte[], byte[]> redis, KeySpace keys, EntryLifetimes lifetimes, Clock clock,
                   RandomGenerator random) {
        this.redis = redis;
        this.keys = keys;
        this.lifetimes = lifetimes;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Adds the key (or its group index) to the view's registry, scored by when it stops mattering
     * ({@link EntryLifetimes#registryExpiry}: the longest the value written now can live, then its tombstone).
     * One registration in {@link #PRUNE_ONE_IN} also drops the members past their score (expired
     * values, expired "not found" entries), so the registry holds about the live keys rather than
     * every key ever cached. Pruning by score never drops a live member, as a TTL on the whole set could.
     */
    CompletionStage<Long> register(CacheKey key, byte[] value) {
        String member = key.group() == null ? key.redisKey() : key.group().indexKey();
        byte[] registry = bytes(keys.registry(key.view()));
        CompletionStage<Long> added = redis.zadd(registry, lifetimes.registryExpiry(key.view(), value), bytes(member));
        if (random.nextInt(PRUNE_ONE_IN) != 0) {
            return added;
        }
        return prune(registry).thenCombine(added, (pruned, count) -> count);
    }

    /** Drops the registry members past their score: entries whose value and tombstone have both expired. */
    CompletionStage<Long> prune(byte[] registry) {
        return redis.zremrangebyscore(registry, Range.create(Double.NEGATIVE_INFINITY, (double) clock.millis()));
    }

    /** The live registry entries of a view: its keys, or for a pattern view the members of its live groups. */
    CompletionStage<List<Registration>> registrations(ViewDefinition view) {
        Range<Double> live = Range.create((double) clock.millis(), Double.POSITIVE_INFINITY);
        String registry = keys.registry(view);
        return redis.zrangebyscoreWithScores(bytes(registry), live).thenCompose(members -> {
            if (!view.hasPatternSources()) {
                return CompletableFuture.completedFuture(registrations(registry, members,
                        score -> lifetimes.earliestValueExpiry(view, score)));
            }
            List<CompletableFuture<List<Registration>>> groups = new ArrayList<>(members.size());
            for (ScoredValue<byte[]> group : members) {
                String index = text(group.getValue());
                // write_key and fill score a group member by its value's expiry alone.
                groups.add(redis.zrangebyscoreWithScores(group.getValue(), live).toCompletableFuture()
                        .thenApply(found -> registrations(index, found, score -> (long) score)));
            }
            return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<Registration> out = new ArrayList<>();
                groups.forEach(group -> out.addAll(group.join()));
                return out;
            });
        });
    }

    /** @param valueExpiry from a member's score, the earliest its value can have expired */
    private List<Registration> registrations(String index, List<ScoredValue<byte[]>> members, DoubleToLongFunction valueExpiry) {
        List<Registration> out = new ArrayList<>(members.size());
        for (ScoredValue<byte[]> member : members) {
            keys.parse(text(member.getValue())).ifPresent(key -> out.add(
                    new Registration(key, index, member.getScore(), valueExpiry.applyAsLong(member.getScore()))));
        }
        return out;
    }

    /** Drops an entry whose key Redis no longer holds, unless it was registered again since it was read. */
    CompletionStage<Boolean> forget(Registration registration) {
        return RedisScript.FORGET.<Long>run(redis, new byte[][] {bytes(registration.index())},
                        bytes(registration.key().redisKey()), bytes(Long.toString((long) registration.score())))
                .thenApply(dropped -> dropped == 1L);
    }

    /** Whether any view's registry names a key: false when Redis came back empty. */
    CompletionStage<Boolean> holdEntries() {
        List<CompletableFuture<Long>> sizes = keys.catalog().views().stream()
                .map(view -> redis.zcard(bytes(keys.registry(view))).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(sizes.toArray(CompletableFuture[]::new))
                .thenApply(done -> sizes.stream().anyMatch(size -> size.join() > 0));
    }
}
