/**
 * Dropping a view's cached values, by registry or pattern, without touching other views.
 */
@NullMarked
package io.cachepipe.ops.flush;

import org.jspecify.annotations.NullMarked;
