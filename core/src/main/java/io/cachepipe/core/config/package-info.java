@NullMarked
package io.cachepipe.core.config;

import org.jspecify.annotations.NullMarked;
