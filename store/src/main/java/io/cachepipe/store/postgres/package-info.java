/**
 * PostgreSQL: connection pools, the loads of a view's rows (one key, or many in one query), writes,
 * and the start-up check of each view's SQL against the schema.
 */
@NullMarked
package io.cachepipe.store.postgres;

import org.jspecify.annotations.NullMarked;
