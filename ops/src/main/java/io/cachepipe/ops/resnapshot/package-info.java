/**
 * Re-reading tables through Debezium's incremental snapshot ({@code cachepipe resnapshot}): which tables
 * may be asked for, the signal that asks, and Debezium's notifications that say when the rows were read.
 */
@NullMarked
package io.cachepipe.ops.resnapshot;

import org.jspecify.annotations.NullMarked;
