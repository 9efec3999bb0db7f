package io.cachepipe.store.kafka;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its keys and values: passed to topologies and clients, never looked up. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
