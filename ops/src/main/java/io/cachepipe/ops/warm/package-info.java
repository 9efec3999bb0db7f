/**
 * Warming chosen keys (the hottest, or the keys the views' registries name) under the read path's leases.
 */
@NullMarked
package io.cachepipe.ops.warm;

import org.jspecify.annotations.NullMarked;
