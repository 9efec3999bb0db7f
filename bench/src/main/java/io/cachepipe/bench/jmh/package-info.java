/**
 * JMH micro-benchmarks of the in-process hot path (envelope parsing, change mapping, key naming, row
 * rendering), beside the process-level cost model of {@code bin/bench stages}. Run with
 * {@code bin/bench jmh}; each class's Javadoc has its command.
 */
@NullMarked
package io.cachepipe.bench.jmh;

import org.jspecify.annotations.NullMarked;
