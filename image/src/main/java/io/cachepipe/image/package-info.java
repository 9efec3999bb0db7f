/** What the production image adds to the cachepipe command: its health check. */
@NullMarked
package io.cachepipe.image;

import org.jspecify.annotations.NullMarked;
