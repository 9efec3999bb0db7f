@NullMarked
package io.cachepipe.core.db;

import org.jspecify.annotations.NullMarked;
