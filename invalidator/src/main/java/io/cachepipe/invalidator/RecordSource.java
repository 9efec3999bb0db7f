package io.cachepipe.invalidator;

import org.jspecify.annotations.Nullable;

/** A change record as it was read, kept until its effects are applied, to dead-letter it if they never can be. */
record RecordSource(String topic, int partition, long offset, byte @Nullable [] key, byte @Nullable [] value, long timestamp) {
}
