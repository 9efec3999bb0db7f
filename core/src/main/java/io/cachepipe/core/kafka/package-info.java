@NullMarked
package io.cachepipe.core.kafka;

import org.jspecify.annotations.NullMarked;
