/**
 * Redis: the only code that names a key or sends a command. {@link io.cachepipe.store.redis.CacheStore}
 * is the door for cache entries (version-guarded scripts, leases, registries, watermarks);
 * every key and channel name of a namespace comes from {@link io.cachepipe.core.view.KeySpace}.
 */
@NullMarked
package io.cachepipe.store.redis;

import org.jspecify.annotations.NullMarked;
