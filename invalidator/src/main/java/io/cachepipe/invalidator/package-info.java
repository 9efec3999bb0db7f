/** invalidator: a Kafka Streams application turning changes into versioned invalidations and warm requests. */
@NullMarked
package io.cachepipe.invalidator;

import org.jspecify.annotations.NullMarked;
