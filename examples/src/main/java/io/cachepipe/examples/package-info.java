@NullMarked
package io.cachepipe.examples;

import org.jspecify.annotations.NullMarked;
