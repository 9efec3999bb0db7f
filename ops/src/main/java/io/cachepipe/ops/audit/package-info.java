/**
 * The consistency audit: an independent check of what the cache serves against what PostgreSQL
 * says now, in the spirit of Meta's Polaris and Uber's Cache Inspector. It reads the cache the way
 * a reader would judge it, reloads the same keys from the database, and confirms every mismatch
 * after the pipeline has caught up with the database, so changes still in flight are not reported.
 */
@NullMarked
package io.cachepipe.ops.audit;

import org.jspecify.annotations.NullMarked;
