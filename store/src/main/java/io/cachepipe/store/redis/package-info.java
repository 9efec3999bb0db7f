/**
 * Redis: the only code that names a key or sends a command. {@link io.cachepipe.store.redis.CacheStore}
 * is the door for cache entries (version-guarded scripts, leases, registries, watermarks);
 * {@link io.cachepipe.store.redis.OpsKeys} names the operator's keys beside them.
 */
@NullMarked
package io.cachepipe.store.redis;

import org.jspecify.annotations.NullMarked;
