/**
 * Benchmarks of cachepipe on real servers, each comparing side by side in one run: the read path
 * (cached, near cache off, cache disabled, no-op ceiling), the change rate the pipeline sustains, scale-out
 * over several processes, and pattern invalidation against {@code SCAN}+{@code DEL}. {@link io.cachepipe.bench.BenchCommand}
 * is the door; docs/benchmarks.md is regenerated from its report.
 */
@NullMarked
package io.cachepipe.bench;

import org.jspecify.annotations.NullMarked;
