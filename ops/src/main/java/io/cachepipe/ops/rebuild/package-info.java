/**
 * Rebuilding every declared view from the compacted change topics, while the pipeline runs. Every write
 * goes through the version-guarded {@link io.cachepipe.store.redis.CacheStore}, so none of it can put an
 * older value over a newer one.
 */
@NullMarked
package io.cachepipe.ops.rebuild;

import org.jspecify.annotations.NullMarked;
