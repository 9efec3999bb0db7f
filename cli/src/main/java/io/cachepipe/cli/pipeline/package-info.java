/**
 * The four processes in one JVM ({@link io.cachepipe.cli.pipeline.Pipeline}): for {@code cachepipe run}, the demo
 * and end-to-end tests, and the wait until every change committed before it is in the cache
 * ({@link io.cachepipe.cli.pipeline.CatchUp}).
 */
@NullMarked
package io.cachepipe.cli.pipeline;

import org.jspecify.annotations.NullMarked;
