/** warmer: warm requests to PostgreSQL reads to version-guarded Redis writes. */
@NullMarked
package io.cachepipe.warmer;

import org.jspecify.annotations.NullMarked;
