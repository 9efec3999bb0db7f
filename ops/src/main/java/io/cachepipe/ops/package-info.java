/**
 * The operator's use-cases (rebuild, audit, warm, flush, replay, choosing views by name) as plain classes:
 * no command-line or HTTP types. The CLI and the API's admin routes are thin adapters over them.
 */
@NullMarked
package io.cachepipe.ops;

import org.jspecify.annotations.NullMarked;
