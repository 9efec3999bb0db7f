@NullMarked
package io.cachepipe.core.cache;

import org.jspecify.annotations.NullMarked;
