/** api: the HTTP read/write API, served from Redis, filled from PostgreSQL. */
@NullMarked
package io.cachepipe.api;

import org.jspecify.annotations.NullMarked;
