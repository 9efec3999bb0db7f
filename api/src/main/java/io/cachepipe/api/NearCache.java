package io.cachepipe.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.NearCacheMessages;
import io.cachepipe.store.redis.RedisConnector;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's in-process cache (L1) in front of Redis, kept coherent by the invalidator's messages on
 * the near-cache channel ({@link NearCacheMessages}). Its rules:
 * <ul>
 *   <li>only current Redis hits enter it, and an entry whose key was invalidated after the Redis read
 *       began is not inserted (the read-then-insert race);</li>
 *   <li>a message drops the keys and groups it names;</li>
 *   <li>a sequence gap, a lost subscription or a whole-view message drops everything, since the
 *       messages that would have said what changed can no longer be trusted;</li>
 *   <li>until the subscription is active nothing is served or inserted.</li>
 * </ul>
 */
final class NearCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NearCache.class);
    /** How long an invalidation is remembered to refuse a racing insert; far above any Redis read. */
    private static final Duration REMEMBER_INVALIDATIONS = Duration.ofSeconds(30);

    /** A cached answer. */
    record Entry(byte[] body, Version version) {
    }

    private final Cache<String, Entry> entries;
    private final Cache<String, Long> invalidatedAt;
    private final Map<String, Set<String>> groupMembers = new ConcurrentHashMap<>();
    private final Map<String, String> groupOf = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(-1);
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong stamps = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private volatile boolean live;
    private @Nullable AutoCloseable subscription;

    NearCache(long maximumSize, long maximumBytes, Duration ttl) {
        this(maximumSize, maximumBytes, ttl, ForkJoinPool.commonPool());
    }

    /**
     * At most {@code maximumSize} entries and {@code maximumBytes} of values: an entry weighs its bytes and
     * at least {@code maximumBytes / maximumSize}, so that small values fill the cache by count and large
     * ones by size. Counted by entries alone, ten thousand rows of a megabyte held ten gigabytes.
     *
     * @param executor runs the cache's maintenance; tests pass {@code Runnable::run}
     */
    NearCache(long maximumSize, long maximumBytes, Duration ttl, Executor executor) {
        long leastWeight = Math.max(1, maximumBytes / maximumSize);
        // Only an eviction (size, expiry) forgets a key's group, and synchronously. A removal listener would also run for
        // a replaced key or one a message dropped, and asynchronously: by then the key may be in again, and forgetting its
        // group would leave it out of the next group message, served stale until its TTL.
        this.entries = Caffeine.newBuilder().maximumWeight(maximumBytes)
                .weigher((String key, Entry entry) -> weight(key, entry, leastWeight))
                .expireAfterWrite(ttl).executor(executor)
                .evictionListener((@Nullable String key, @Nullable Entry entry, RemovalCause cause) -> {
                    if (key != null) { // Caffeine passes null only for a collected weak key; these keys are strong
                        forget(key);
                    }
                })
                .build();
        this.invalidatedAt = Caffeine.newBuilder().expireAfterWrite(REMEMBER_INVALIDATIONS).build();
    }

    /** An entry's bytes (its value and its key's characters), and at least {@code least}. */
    private static int weight(String key, Entry entry, long least) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(least, entry.body().length + 2L * key.length()));
    }

    /** Subscribes to the invalidation channel; the cache serves nothing until the subscription is active. */
    void start(CacheStore store) {
        subscription = store.subscribeToNearCacheInvalidations(new RedisConnector.Subscriber() {
            @Override
            public void message(byte[] message) {
                apply(NearCacheMessages.parse(message));
            }

            @Override
            public void lost() {
                subscriptionLost();
            }

            @Override
            public void subscribed() {
                subscriptionActive();
            }
        });
    }

    /** From now on no message is missed: start from an empty cache and any sequence number. */
    void subscriptionActive() {
        sequence.set(-1);
        dropAll("(re)subscribed to the invalidation channel");
        live = true;
    }

    /** Messages may be missed from now until the subscription is active again. */
    void subscriptionLost() {
        live = false;
        dropAll("lost the invalidation channel");
    }

    /** Taken before reading Redis: an insert is refused if the key, or everything, was invalidated since. */
    record Ticket(long generation, long stamp) {
    }

    Ticket beforeRead() {
        return new Ticket(generation.get(), stamps.get());
    }

    @Nullable Entry get(CacheKey key) {
        return live ? entries.getIfPresent(key.redisKey()) : null;
    }

    /** Inserts a value read from Redis unless the key, or everything, was invalidated since {@code before}. */
    void put(CacheKey key, Entry entry, Ticket before) {
        if (!live || invalidatedSince(key, before)) {
            return;
        }
        entries.put(key.redisKey(), entry);
        // After the put, so that an eviction of an earlier entry of the key cannot take the membership away.
        if (key.group() != null) {
            groupMembers.computeIfAbsent(key.group().indexKey(), group -> ConcurrentHashMap.newKeySet()).add(key.redisKey());
            groupOf.put(key.redisKey(), key.group().indexKey());
        }
        // A message may have landed between the check and the put: check again, and undo if so.
        if (invalidatedSince(key, before)) {
            entries.invalidate(key.redisKey());
        }
    }

    /** The key, its group (which may have been dropped before the key joined it here) or everything. */
    private boolean invalidatedSince(CacheKey key, Ticket before) {
        return generation.get() != before.generation()
                || invalidatedSince(key.redisKey(), before)
                || key.group() != null && invalidatedSince(key.group().indexKey(), before);
    }

    private boolean invalidatedSince(String keyOrGroup, Ticket before) {
        Long invalidated = invalidatedAt.getIfPresent(keyOrGroup);
        return invalidated != null && invalidated > before.stamp();
    }

    void apply(NearCacheMessages.Message message) {
        long last = sequence.getAndSet(message.sequence());
        if (last >= 0 && message.sequence() != last + 1) {
            dropAll("missed messages " + (last + 1) + ".." + (message.sequence() - 1));
            return;
        }
        if (message.everything()) {
            dropAll("whole-view invalidation");
            return;
        }
        long stamp = stamps.incrementAndGet();
        for (String key : message.keys()) {
            invalidatedAt.put(key, stamp);
            entries.invalidate(key);
        }
        for (String group : message.groups()) {
            invalidatedAt.put(group, stamp);
            Set<String> members = groupMembers.remove(group);
            if (members != null) {
                members.forEach(member -> {
                    invalidatedAt.put(member, stamp);
                    entries.invalidate(member);
                    // Only the record of which group to leave on eviction: a member put again meanwhile is in the group's
                    // new set, which the next message reaches; losing this record only leaves it there a little longer.
                    groupOf.remove(member, group);
                });
            }
        }
    }

    void dropAll(String reason) {
        generation.incrementAndGet();
        long size = entries.estimatedSize();
        entries.invalidateAll();
        groupMembers.clear();
        groupOf.clear();
        drops.incrementAndGet();
        log.info("Near cache dropped ({} entries): {}", size, reason);
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    long drops() {
        return drops.get();
    }

    /** Keys whose group is on record (to leave it on eviction): bounded by the grouped keys cached, not by every key ever seen. */
    int groupRecords() {
        return groupOf.size();
    }

    boolean isLive() {
        return live;
    }

    private void forget(String key) {
        String group = groupOf.remove(key);
        if (group != null) {
            Set<String> members = groupMembers.get(group);
            if (members != null) {
                members.remove(key);
            }
        }
    }

    @Override
    public void close() throws Exception {
        live = false;
        if (subscription != null) {
            subscription.close();
        }
    }
}
