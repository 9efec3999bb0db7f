@NullMarked
package io.cachepipe.core.change;

import org.jspecify.annotations.NullMarked;
