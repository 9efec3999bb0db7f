package io.cachepipe.store.redis;

import static io.cachepipe.store.redis.ScriptCodec.bytes;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>The work is done by package-private collaborators, one per responsibility: {@link LeasedReads}
 * (reads, leases, fills), {@link VersionedWrites} (writes, replacements, invalidations, flushes),
 * {@link WholeViewInvalidation} (a view's every key), {@link ViewRegistries} (the registries), {@link AppliedWatermarks} (the pipeline's applied position)
 * and {@link EntryLifetimes} (TTLs); {@link ScriptCodec} is how their scripts' arguments and replies
 * are encoded.
 */
public final class CacheStore {
    private final RedisConnector connector;
    private final RedisClusterAsyncCommands<byte[], byte[]> redis;
    private final KeySpace keys;
    private final EntryLifetimes lifetimes;
    private final ViewRegistries registries;
    private final LeasedReads reads;
    private final VersionedWrites writes;
    private final AppliedWatermarks watermarks;
    private final Clock clock;

    /** The store a process opens on its namespace: the wall clock, and the default random source for lease tokens. */
    public static CacheStore open(RedisConnector connector, String namespace, ViewCatalog catalog, CacheConfig config) {
        return new CacheStore(connector, new KeySpace(namespace, catalog), config, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    public CacheStore(RedisConnector connector, KeySpace keys, CacheConfig config, Clock clock, RandomGenerator random) {
        this.connector = connector;
        this.redis = connector.commands();
        this.keys = keys;
        this.lifetimes = new EntryLifetimes(config, clock, random);
        this.registries = new ViewRegistries(redis, keys, lifetimes, clock, random);
        this.reads = new LeasedReads(redis, config.leaseTtl(), registries, lifetimes);
        this.writes = new VersionedWrites(redis, keys, clock, registries, lifetimes);
        this.watermarks = new AppliedWatermarks(redis, keys.applied());
        this.clock = clock;
    }

    public KeySpace keySpace() {
        return keys;
    }

    /**
     * Waits until the writes made so far are on a replica of every master that has one (Redis Cluster: {@code WAIT 1}
     * per master), so that a failover cannot lose them; for writers whose lost write would leave a stale entry (an
     * invalidation, a row image). See {@link RedisConnector#awaitReplicas()}.
     */
    public CompletionStage<Void> awaitReplicas() {
        return connector.awaitReplicas();
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
        return reads.read(key);
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
     * @param valueExpiresAt the earliest the value last written under the key can expire by its TTL (epoch ms): until
     *                       then, a key Redis no longer holds at all is gone rather than expired
     */
    public record Registration(CacheKey key, String index, double score, long valueExpiresAt) {
    }

    /** The live registry entries of a view, as {@link #cachedKeys} finds them, with their scores. */
    public CompletionStage<List<Registration>> registrations(ViewDefinition view) {
        return registries.registrations(view);
    }

    /**
     * Each key's versions, read before a load ({@link EntryVersions}): whether it already holds a current
     * value, and the newest invalidation applied to it or its group. What a load begun afterwards reads is
     * at least that new, since cdc-capture publishes a change only once its commit is visible to a new
     * snapshot, so a warmer writes with it when it is newer than its request's version, as a reader's fill
     * writes with the version its lease was taken at: otherwise every change that lands while a re-warm
     * is on its way refuses it, and a listing page whose category changes more often than a re-warm takes
     * is not re-warmed until the changes pause.
     */
    public CompletionStage<List<EntryVersions>> versions(List<CacheKey> keys) {
        return reads.versions(keys);
    }

    /** What Redis holds under a key right now, as a read would judge it, without taking a lease or touching anything. */
    public CompletionStage<Inspection> inspect(CacheKey key) {
        return reads.inspect(key);
    }

    /**
     * Drops a registry entry whose key Redis no longer holds, unless it was registered again since it
     * was read (its score changed): a key being written right now keeps its entry, so a whole-view
     * invalidation still reaches it. Answers whether the entry was dropped.
     */
    public CompletionStage<Boolean> forget(Registration registration) {
        return registries.forget(registration);
    }

    /** Writes what a lease holder loaded; false if an invalidation voided the lease meanwhile. */
    public CompletionStage<Boolean> fill(CacheKey key, ReadResult.Leased lease, byte[] value) {
        return reads.fill(key, lease, value);
    }

    /** Version-guarded write of a value loaded because of the change with this version. */
    public CompletionStage<Boolean> write(CacheKey key, Version version, byte[] value) {
        return writes.write(key, version, value);
    }

    /** What an invalidation did to one key. */
    public record Invalidation(CacheKey key, boolean applied, boolean warm) {
    }

    public CompletionStage<Invalidation> invalidate(CacheKey key, Version version) {
        return invalidate(key, version, true);
    }

    /** Invalidates one key; {@code mayWarm} false never asks for a re-warm, whatever the view's policy. */
    public CompletionStage<Invalidation> invalidate(CacheKey key, Version version, boolean mayWarm) {
        return writes.invalidate(key, version, mayWarm);
    }

    /**
     * Applies a change whose new row image is the key's whole value (a plain row view): writes it in
     * the same step as the invalidation if the view's warm policy would re-warm the key, else only
     * invalidates. Never asks for a re-warm: the value is already the newest. Only for keys without a
     * group (see {@code replace.lua}).
     */
    public CompletionStage<Invalidation> replace(CacheKey key, Version version, byte[] value) {
        return writes.replace(key, version, value);
    }

    /** Invalidates every member of a group; answers the members to re-warm. */
    public CompletionStage<List<CacheKey>> invalidateGroup(ViewDefinition view, KeyGroup group, Version version) {
        return writes.invalidateGroup(view, group, version);
    }

    /**
     * Invalidates every key of a view, through its registry: the safe, wider fallback. Costs in
     * proportion to the view's cached keys, never to the whole keyspace.
     */
    public CompletionStage<List<CacheKey>> invalidateView(ViewDefinition view, Version version) {
        return WholeViewInvalidation.run(this, clock.millis(), view, version);
    }

    /**
     * An operator's flush of one key (see {@code flush.lua}): drops the value without ever letting an
     * older one back in. Answers whether a value was dropped.
     */
    public CompletionStage<Boolean> flush(String redisKey) {
        return writes.flush(redisKey);
    }

    /**
     * Records the next offset to apply of change-topic partitions ({@code <topic>:<partition>}, see
     * {@link io.cachepipe.store.kafka.Watermarks#partition}): every record before it has its effects in Redis.
     */
    public CompletionStage<Void> markApplied(Map<String, Long> nextOffsets) {
        return watermarks.markApplied(nextOffsets);
    }

    /** Records a watermark and the change-topic end offsets it stands for; see {@link io.cachepipe.store.kafka.Watermarks}. */
    public CompletionStage<Void> recordWatermark(Version watermark, Map<String, Long> endOffsets) {
        return watermarks.recordWatermark(watermark, endOffsets);
    }

    /**
     * The pipeline's applied position: the newest watermark whose change-topic end offsets are all
     * applied; empty before any is (or after Redis lost its data).
     */
    public CompletionStage<Optional<Version>> appliedPosition() {
        return watermarks.appliedPosition();
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

    /** Redis's {@code maxmemory-policy} (of the node the connection reaches first, on Redis Cluster). */
    public CompletionStage<EvictionPolicy> evictionPolicy() {
        return redis.info("memory").thenApply(info -> new EvictionPolicy(info.lines()
                .filter(line -> line.startsWith("maxmemory_policy:"))
                .map(line -> line.substring("maxmemory_policy:".length()).strip())
                .findFirst().orElse("unknown")));
    }

    /** Whether any view's registry names a key: false when Redis came back empty. */
    public CompletionStage<Boolean> holdsEntries() {
        return registries.holdEntries();
    }

    /** Listens to the near-cache invalidation channel of this key space. */
    public AutoCloseable subscribeToNearCacheInvalidations(RedisConnector.Subscriber subscriber) {
        return connector.subscribe(keys.nearCacheChannel(), subscriber);
    }

    /** Tells every API's near cache what a change touched; see {@link NearCacheMessages}. */
    public CompletionStage<Long> publishNearCacheInvalidation(List<String> keys, List<String> groups, boolean everything) {
        return RedisScript.PUBLISH.<Long>run(redis, new byte[][] {bytes(this.keys.nearCacheSequence())},
                bytes(this.keys.nearCacheChannel()), bytes(NearCacheMessages.payload(keys, groups, everything)));
    }

    /** The TTL of a value: the view's, spread by its jitter; a cached "not found" lives for the negative TTL. */
    public Duration ttl(ViewDefinition view, byte[] value) {
        return lifetimes.ttl(view, value);
    }

    /** Drops the registry members past their score: entries whose value and tombstone have both expired. */
    CompletionStage<Long> pruneRegistry(byte[] registry) {
        return registries.prune(registry);
    }

    /** A registry member's score for a value written now: see {@link EntryLifetimes#registryExpiry}. */
    double registryExpiry(ViewDefinition view, byte[] value) {
        return lifetimes.registryExpiry(view, value);
    }

    Duration tombstoneTtl() {
        return lifetimes.tombstoneTtl();
    }

    boolean isCluster() {
        return connector.isCluster();
    }

    RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return redis;
    }

    List<CacheKey> parseKeys(List<Object> reply) {
        return ScriptCodec.parseKeys(keys, reply);
    }
}
