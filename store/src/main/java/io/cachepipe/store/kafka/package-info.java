/**
 * Kafka: topic names and creation, warm-request records, watermarks, consumer lag.
 */
@NullMarked
package io.cachepipe.store.kafka;

import org.jspecify.annotations.NullMarked;
