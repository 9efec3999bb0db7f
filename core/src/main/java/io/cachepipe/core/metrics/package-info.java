@NullMarked
package io.cachepipe.core.metrics;

import org.jspecify.annotations.NullMarked;
