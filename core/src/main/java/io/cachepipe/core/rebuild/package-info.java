/**
 * Operator work on the cache as a whole: rebuilding every declared view from the compacted change
 * topics, warming chosen keys, flushing a view. Every write goes through the version-guarded
 * {@link io.cachepipe.core.cache.CacheStore}, so none of it can put an older value over a newer one,
 * and it can run while the pipeline runs.
 */
@NullMarked
package io.cachepipe.core.rebuild;

import org.jspecify.annotations.NullMarked;
