@NullMarked
package io.cachepipe.core.json;

import org.jspecify.annotations.NullMarked;
