/** How a standalone part's process starts and ends. */
@NullMarked
package io.cachepipe.core.process;

import org.jspecify.annotations.NullMarked;
