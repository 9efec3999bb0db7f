package io.cachepipe.store.redis;

import java.util.Optional;

/**
 * What Redis's {@code maxmemory-policy} does to cachepipe's guarantees. Every cachepipe key has a TTL.
 * An invalidation leaves a tombstone that lives {@code cache.tombstone-ttl} (60 s) and refuses a re-warm
 * that loaded the row before the change. A policy that evicts by recency or frequency leaves a tombstone
 * alone in its first seconds. {@code volatile-ttl} evicts the shortest TTLs first, which are the
 * tombstones and leases; the {@code *-random} policies may evict any key at any moment. Under those an
 * older value can be put back over a change and served until its TTL. {@code noeviction} refuses writes
 * when full, and the pipeline still takes changed values away ({@link CacheBatch#executeWhenFull()}).
 *
 * @param name the policy as {@code INFO memory} names it ({@code maxmemory_policy})
 */
public record EvictionPolicy(String name) {
    private static final String ADVICE = "Use noeviction, volatile-lru, volatile-lfu, allkeys-lru or allkeys-lfu (docs/deploy.md, Sizing).";

    /** The policy's risk to consistency, worded for a log line; empty when it keeps every guarantee. */
    public Optional<String> risk() {
        return switch (name) {
            case "volatile-ttl" -> Optional.of("Redis evicts the keys nearest their expiry first (maxmemory-policy volatile-ttl): "
                    + "those are the tombstones of recent changes, and once one is gone a re-warm that loaded the row before "
                    + "the change can write the older value back, served until its TTL. " + ADVICE);
            case "volatile-random", "allkeys-random" -> Optional.of("Redis evicts keys at random (maxmemory-policy " + name + "): "
                    + "the tombstone of a change made a second ago may go, and a re-warm that loaded the row before the change "
                    + "can then write the older value back, served until its TTL. " + ADVICE);
            default -> Optional.empty();
        };
    }
}
