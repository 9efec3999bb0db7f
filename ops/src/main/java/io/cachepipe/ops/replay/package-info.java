/**
 * Replaying the change topics from a time or offset: moving the invalidator's group back, and the status
 * a replay leaves for operators to read.
 */
@NullMarked
package io.cachepipe.ops.replay;

import org.jspecify.annotations.NullMarked;
