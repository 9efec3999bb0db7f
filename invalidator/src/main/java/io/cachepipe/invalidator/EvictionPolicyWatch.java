package io.cachepipe.invalidator;

import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.EvictionPolicy;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log when Redis runs under a {@code maxmemory-policy} that can undo an invalidation
 * ({@link EvictionPolicy#risk()}): at the invalidator's start, and whenever the policy changes (a
 * {@code CONFIG SET}, a failover to a server configured otherwise).
 */
final class EvictionPolicyWatch {
    private static final Logger log = LoggerFactory.getLogger(EvictionPolicyWatch.class);

    private final CacheStore store;
    private @Nullable EvictionPolicy seen;

    EvictionPolicyWatch(CacheStore store) {
        this.store = store;
    }

    /** One look; safe to call from a schedule (it never throws). Returns the policy seen, null when Redis did not say. */
    synchronized @Nullable EvictionPolicy check() {
        EvictionPolicy policy;
        try {
            policy = store.evictionPolicy().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("Could not read Redis's maxmemory-policy: {}", e.toString());
            return null;
        }
        if (!Objects.equals(policy, seen)) {
            policy.risk().ifPresentOrElse(log::warn, () -> {
                if (seen != null && seen.risk().isPresent()) {
                    log.info("Redis's maxmemory-policy is now {}: invalidations are safe from eviction again", policy.name());
                }
            });
            seen = policy;
        }
        return policy;
    }
}
