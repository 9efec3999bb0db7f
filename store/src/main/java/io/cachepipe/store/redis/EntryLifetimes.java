package io.cachepipe.store.redis;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.view.ViewDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a cache entry and its bookkeeping live: a value by its view's TTL spread by the jitter
 * (a cached "not found" by the negative TTL), a tombstone by the configured tombstone TTL, and a
 * registry entry until both its value and the tombstone after it have expired.
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
        Duration base = value.length == 0 ? view.negativeTtl() : view.ttl();
        long jitter = (long) (base.toMillis() * view.ttlJitter() * random.nextDouble());
        return base.plusMillis(jitter);
    }

    /** A registry member's score: when its value and then its tombstone will have expired (ms). */
    double registryExpiry(Duration ttl) {
        return clock.millis() + ttl.toMillis() + config.tombstoneTtl().toMillis();
    }

    Duration tombstoneTtl() {
        return config.tombstoneTtl();
    }
}
