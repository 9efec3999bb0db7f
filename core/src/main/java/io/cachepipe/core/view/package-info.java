@NullMarked
package io.cachepipe.core.view;

import org.jspecify.annotations.NullMarked;
