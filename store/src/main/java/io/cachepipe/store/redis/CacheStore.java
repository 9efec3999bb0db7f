package io.cachepipe.store.redis;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * The one door to cache entries in Redis. Every write is version-guarded by a script: a value is
 * accepted only if nothing newer is cached and no newer invalidation was seen for the key or its
 * group, so an older value can never replace a newer one, whichever process writes it and however late.
 *
 * <p>Before a value is written, its key (or its group) is added to the view's registry, so that a
 * whole-view invalidation, the fallback when a change cannot name its keys, reaches every value.
 */
public final class CacheStore {
    /** One registration in this many prunes its view's registry of expired members. */
    static final int PRUNE_ONE_IN = 64;
    private final RedisConnector connector;
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final KeySpace keys;
    private final CacheConfig config;
    private final Clock clock;
    private final RandomGenerator random;

    public CacheStore(RedisConnector connector, KeySpace keys, CacheConfig config, Clock clock, RandomGenerator random) {
        this.connector = connector;
        this.redis = connector.commands();
        this.keys = keys;
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    public KeySpace keySpace() {
        return keys;
    }

    /** An empty batch of operations on this store, applied together by {@link CacheBatch#execute()}. */
    public CacheBatch batch() {
        return new CacheBatch(this);
    }

    /**
     * The connection, for operator tools that read registries and keep their own bookkeeping keys
     * (rebuild checkpoints, hot keys). Cache entries are still written only through this class.
     */
    public RedisConnector connector() {
        return connector;
    }

    /** Reads a key, or takes the lease to fill it. */
    public CompletionStage<ReadResult> read(CacheKey key) {
        String token = UUID.randomUUID().toString();
        long graceMs = key.view().onChange() == ViewDefinition.ChangeMode.REFRESH ? key.view().staleGrace().toMillis() : 0;
        return RedisScript.READ.<List<Object>>run(redis, keysOf(key),
                        bytes(token), bytes(config.leaseTtl().toMillis()), bytes(graceMs))
                .thenApply(reply -> switch (text(reply.get(0))) {
                    case "hit" -> new ReadResult.Hit((byte[]) reply.get(1), Version.parse(text(reply.get(2))));
                    case "stale" -> new ReadResult.Stale((byte[]) reply.get(1), Version.parse(text(reply.get(2))));
                    case "busy" -> new ReadResult.Busy();
                    case "lease" -> new ReadResult.Leased(token, Version.parse(text(reply.get(1))));
                    default -> throw new IllegalStateException("unexpected reply from read.lua: " + reply);
                });
    }

    /**
     * The current value of a key as a read would judge it, without taking a lease: empty when the
     * key holds no value, or only one that a newer change superseded. For inspection (the audit).
     */
    public CompletionStage<Optional<ReadResult.Hit>> peek(CacheKey key) {
        return inspect(key).thenApply(found -> found instanceof Inspection.Current current
                ? Optional.of(current.hit()) : Optional.<ReadResult.Hit>empty());
    }

    /**
     * Every key of a view that may hold a value, found through the view's registry and group
     * indexes (never {@code KEYS}): in proportion to the view's cached keys.
     */
    public CompletionStage<List<CacheKey>> cachedKeys(ViewDefinition view) {
        return registrations(view).thenApply(entries -> entries.stream().map(Registration::key).toList());
    }

    /**
     * One live entry of a view's registry: a key that may hold a value.
     *
     * @param index          the sorted set that names the key: the view's registry, or for a pattern view the group's index
     * @param score          the entry's score there (when it stops mattering, epoch ms)
     * @param valueExpiresAt when the value last written under the key expires by its TTL (epoch ms): until then, a
     *                       key Redis no longer holds at all is gone rather than expired
     */
    public record Registration(CacheKey key, String index, double score, long valueExpiresAt) {
    }

    /** The live registry entries of a view, as {@link #cachedKeys} finds them, with their scores. */
    public CompletionStage<List<Registration>> registrations(ViewDefinition view) {
        Range<Double> live = Range.create((double) clock.millis(), Double.POSITIVE_INFINITY);
        String registry = keys.registry(view);
        return redis.zrangebyscoreWithScores(bytes(registry), live).thenCompose(members -> {
            if (!view.hasPatternSources()) {
                // A registry entry outlives its value by the tombstone TTL (see registryExpiry).
                long tombstone = config.tombstoneTtl().toMillis();
                return CompletableFuture.completedFuture(registrations(registry, members, tombstone));
            }
            List<CompletableFuture<List<Registration>>> groups = new ArrayList<>(members.size());
            for (ScoredValue<byte[]> group : members) {
                String index = text(group.getValue());
                // write_key and fill score a group member by its value's expiry alone.
                groups.add(redis.zrangebyscoreWithScores(group.getValue(), live).toCompletableFuture()
                        .thenApply(found -> registrations(index, found, 0)));
            }
            return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<Registration> out = new ArrayList<>();
                groups.forEach(group -> out.addAll(group.join()));
                return out;
            });
        });
    }

    private List<Registration> registrations(String index, List<ScoredValue<byte[]>> members, long outlivesValueBy) {
        List<Registration> out = new ArrayList<>(members.size());
        for (ScoredValue<byte[]> member : members) {
            keys.parse(text(member.getValue())).ifPresent(key -> out.add(
                    new Registration(key, index, member.getScore(), (long) member.getScore() - outlivesValueBy)));
        }
        return out;
    }

    /** What Redis holds under a key right now, as a read would judge it, without taking a lease or touching anything. */
    public CompletionStage<Inspection> inspect(CacheKey key) {
        return RedisScript.PEEK.<List<Object>>run(redis, keysOf(key)).thenApply(CacheStore::inspection);
    }

    /** peek.lua's reply: {@code {d, v}}, or {@code {1}} when the key holds something else, {@code {0}} when nothing. */
    private static Inspection inspection(List<Object> reply) {
        if (reply.size() == 2) {
            return new Inspection.Current(new ReadResult.Hit((byte[]) reply.get(0), Version.parse(text(reply.get(1)))));
        }
        return (Long) reply.get(0) == 1L ? new Inspection.Superseded() : new Inspection.Absent();
    }

    /**
     * Drops a registry entry whose key Redis no longer holds, unless it was registered again since it
     * was read (its score changed): a key being written right now keeps its entry, so a whole-view
     * invalidation still reaches it. Answers whether the entry was dropped.
     */
    public CompletionStage<Boolean> forget(Registration registration) {
        return RedisScript.FORGET.<Long>run(redis, new byte[][] {bytes(registration.index())},
                        bytes(registration.key().redisKey()), bytes(Long.toString((long) registration.score())))
                .thenApply(dropped -> dropped == 1L);
    }

    /** Writes what a lease holder loaded; false if an invalidation voided the lease meanwhile. */
    public CompletionStage<Boolean> fill(CacheKey key, ReadResult.Leased lease, byte[] value) {
        Duration ttl = ttl(key.view(), value);
        return register(key, ttl).thenCompose(ignored -> RedisScript.FILL.<Long>run(redis, keysOf(key),
                        bytes(lease.token()), bytes(lease.fillVersion().hex()), value, bytes(ttl.toMillis())))
                .thenApply(written -> written == 1L);
    }

    /** Version-guarded write of a value loaded because of the change with this version. */
    public CompletionStage<Boolean> write(CacheKey key, Version version, byte[] value) {
        Duration ttl = ttl(key.view(), value);
        return register(key, ttl).thenCompose(ignored -> RedisScript.WRITE.<Long>run(redis, keysOf(key),
                        bytes(version.hex()), value, bytes(ttl.toMillis())))
                .thenApply(written -> written == 1L);
    }

    /** What an invalidation did to one key. */
    public record Invalidation(CacheKey key, boolean applied, boolean warm) {
    }

    public CompletionStage<Invalidation> invalidate(CacheKey key, Version version) {
        return invalidate(key, version, true);
    }

    /** Invalidates one key; {@code mayWarm} false never asks for a re-warm, whatever the view's policy. */
    public CompletionStage<Invalidation> invalidate(CacheKey key, Version version, boolean mayWarm) {
        ViewDefinition view = key.view();
        return RedisScript.INVALIDATE.<List<Object>>run(redis, new byte[][] {bytes(key.redisKey())},
                        bytes(version.hex()), mode(view), bytes(config.tombstoneTtl().toMillis()),
                        mayWarm ? policy(view) : bytes("never"))
                .thenApply(reply -> new Invalidation(key, (Long) reply.get(0) == 1L, (Long) reply.get(1) == 1L));
    }

    /**
     * Applies a change whose new row image is the key's whole value (a plain row view): writes it in
     * the same step as the invalidation if the view's warm policy would re-warm the key, else only
     * invalidates. Never asks for a re-warm: the value is already the newest. Only for keys without a
     * group (see {@code replace.lua}).
     */
    public CompletionStage<Invalidation> replace(CacheKey key, Version version, byte[] value) {
        ViewDefinition view = key.view();
        if (key.group() != null) {
            throw new IllegalArgumentException("replace is for keys without a group: " + key);
        }
        Duration ttl = ttl(view, value);
        // Policy 'always' may write a key never registered: register first, as every write does. Under
        // 'cached' the script writes only a key that holds something, so it is registered already, until
        // after its current expiry: the registry's score is then only extended, after the script, and a
        // change to a row nobody reads never enters the registry.
        CompletionStage<Long> registeredFirst = view.warm() == ViewDefinition.WarmPolicy.ALWAYS
                ? register(key, ttl) : CompletableFuture.completedFuture(0L);
        return registeredFirst
                .thenCompose(ignored -> RedisScript.REPLACE.<Long>run(redis, new byte[][] {bytes(key.redisKey())}, bytes(version.hex()),
                        value, bytes(ttl.toMillis()), bytes(config.tombstoneTtl().toMillis()), policy(view)))
                .thenCompose(written -> written == 1L && view.warm() != ViewDefinition.WarmPolicy.ALWAYS
                        ? register(key, ttl).thenApply(extended -> written) : CompletableFuture.completedFuture(written))
                .thenApply(written -> new Invalidation(key, written == 1L, false));
    }

    /** Invalidates every member of a group; answers the members to re-warm. */
    public CompletionStage<List<CacheKey>> invalidateGroup(ViewDefinition view, KeyGroup group, Version version) {
        return RedisScript.INVALIDATE_GROUP.<List<Object>>run(redis,
                        new byte[][] {bytes(group.indexKey()), bytes(group.versionKey())},
                        bytes(version.hex()), mode(view), bytes(config.tombstoneTtl().toMillis()), policy(view))
                .thenApply(this::parseKeys);
    }

    /**
     * Invalidates every key of a view, through its registry: the safe, wider fallback. Costs in
     * proportion to the view's cached keys, never to the whole keyspace.
     */
    public CompletionStage<List<CacheKey>> invalidateView(ViewDefinition view, Version version) {
        byte[] registry = bytes(keys.registry(view));
        long now = clock.millis();
        return redis.zrangebyscore(registry, Range.create((double) now, Double.POSITIVE_INFINITY))
                .thenCompose(members -> {
                    List<CompletableFuture<List<CacheKey>>> parts = new ArrayList<>(members.size());
                    for (byte[] member : members) {
                        String name = new String(member, StandardCharsets.UTF_8);
                        if (view.hasPatternSources()) {
                            parts.add(invalidateGroup(view, new KeyGroup(name, name + ":#version"), version).toCompletableFuture());
                        } else {
                            parts.add(keys.parse(name)
                                    .map(key -> invalidate(key, version)
                                            .thenApply(result -> result.warm() ? List.of(key) : List.<CacheKey>of()))
                                    .orElse(CompletableFuture.completedStage(List.of())).toCompletableFuture());
                        }
                    }
                    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        List<CacheKey> toWarm = new ArrayList<>();
                        parts.forEach(part -> toWarm.addAll(part.join()));
                        return toWarm;
                    });
                })
                .thenCompose(toWarm -> redis.zremrangebyscore(registry, Range.create(Double.NEGATIVE_INFINITY, (double) now))
                        .thenApply(pruned -> toWarm));
    }

    /**
     * An operator's flush of one key (see {@code flush.lua}): drops the value without ever letting an
     * older one back in. Answers whether a value was dropped.
     */
    public CompletionStage<Boolean> flush(String redisKey) {
        return RedisScript.FLUSH.<Long>run(redis, new byte[][] {bytes(redisKey)}, bytes(config.tombstoneTtl().toMillis()))
                .thenApply(dropped -> dropped == 1L);
    }

    /** Records that a change-topic partition is applied up to {@code watermark}; see {@link io.cachepipe.store.kafka.Watermarks}. */
    public CompletionStage<Void> markApplied(String topic, int partition, Version watermark, int fanout) {
        return RedisScript.APPLIED.<Long>run(redis, new byte[][] {bytes(appliedKey())},
                bytes(topic + ":" + partition), bytes(watermark.hex()), bytes(fanout)).thenApply(done -> null);
    }

    /**
     * The pipeline's applied position: the lowest watermark over every change-topic partition, once
     * every partition has reported one; empty before that (or after Redis lost its data).
     */
    public CompletionStage<Optional<Version>> appliedPosition() {
        return redis.hgetall(bytes(appliedKey())).thenApply(fields -> {
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

    private String appliedKey() {
        return keys.namespace() + "#applied";
    }

    /**
     * The Redis server's run id, which changes whenever the server restarts; empty on Redis Cluster,
     * where each node has its own.
     */
    public CompletionStage<Optional<String>> serverRunId() {
        if (connector.isCluster()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return redis.info("server").thenApply(info -> info.lines()
                .filter(line -> line.startsWith("run_id:"))
                .map(line -> line.substring("run_id:".length()).strip())
                .findFirst());
    }

    /** Whether any view's registry names a key: false when Redis came back empty. */
    public CompletionStage<Boolean> holdsEntries() {
        List<CompletableFuture<Long>> sizes = keys.catalog().views().stream()
                .map(view -> redis.zcard(bytes(keys.registry(view))).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(sizes.toArray(CompletableFuture[]::new))
                .thenApply(done -> sizes.stream().anyMatch(size -> size.join() > 0));
    }

    /** Listens to the near-cache invalidation channel of this key space. */
    public AutoCloseable subscribeToNearCacheInvalidations(RedisConnector.Subscriber subscriber) {
        return connector.subscribe(NearCacheMessages.channel(keys.namespace()), subscriber);
    }

    /** Tells every API's near cache what a change touched; see {@link NearCacheMessages}. */
    public CompletionStage<Long> publishNearCacheInvalidation(List<String> keys, List<String> groups, boolean everything) {
        String namespace = this.keys.namespace();
        return RedisScript.PUBLISH.<Long>run(redis, new byte[][] {bytes(NearCacheMessages.sequenceKey(namespace))},
                bytes(NearCacheMessages.channel(namespace)), bytes(NearCacheMessages.payload(keys, groups, everything)));
    }

    /** The TTL of a value: the view's, spread by its jitter; a cached "not found" lives for the negative TTL. */
    public Duration ttl(ViewDefinition view, byte[] value) {
        Duration base = value.length == 0 ? view.negativeTtl() : view.ttl();
        long jitter = (long) (base.toMillis() * view.ttlJitter() * random.nextDouble());
        return base.plusMillis(jitter);
    }

    /**
     * Adds the key (or its group index) to the view's registry, scored by when it stops mattering.
     * One registration in {@link #PRUNE_ONE_IN} also drops the members past their score (expired
     * values, expired "not found" entries), so the registry holds about the live keys rather than
     * every key ever cached. Pruning by score never drops a live member, as a TTL on the whole set could.
     */
    private CompletionStage<Long> register(CacheKey key, Duration ttl) {
        String member = key.group() == null ? key.redisKey() : key.group().indexKey();
        byte[] registry = bytes(keys.registry(key.view()));
        CompletionStage<Long> added = redis.zadd(registry, registryExpiry(ttl), bytes(member));
        if (random.nextInt(PRUNE_ONE_IN) != 0) {
            return added;
        }
        return pruneRegistry(registry).thenCombine(added, (pruned, count) -> count);
    }

    /** Drops the registry members past their score: entries whose value and tombstone have both expired. */
    CompletionStage<Long> pruneRegistry(byte[] registry) {
        return redis.zremrangebyscore(registry, Range.create(Double.NEGATIVE_INFINITY, (double) clock.millis()));
    }

    /** A registry member's score: when its value and then its tombstone will have expired (ms). */
    double registryExpiry(Duration ttl) {
        return clock.millis() + ttl.toMillis() + config.tombstoneTtl().toMillis();
    }

    Duration tombstoneTtl() {
        return config.tombstoneTtl();
    }

    boolean isCluster() {
        return connector.isCluster();
    }

    RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return redis;
    }

    List<CacheKey> parseKeys(List<Object> reply) {
        List<CacheKey> out = new ArrayList<>(reply.size());
        for (Object item : reply) {
            keys.parse(text(item)).ifPresent(out::add);
        }
        return out;
    }

    private static byte[][] keysOf(CacheKey key) {
        KeyGroup group = key.group();
        return group == null
                ? new byte[][] {bytes(key.redisKey())}
                : new byte[][] {bytes(key.redisKey()), bytes(group.indexKey()), bytes(group.versionKey())};
    }

    static byte[] mode(ViewDefinition view) {
        return bytes(view.onChange() == ViewDefinition.ChangeMode.REFRESH ? "refresh" : "invalidate");
    }

    static byte[] policy(ViewDefinition view) {
        return bytes(view.warm().name().toLowerCase(java.util.Locale.ROOT));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(long number) {
        return Long.toString(number).getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object reply) {
        return reply instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
