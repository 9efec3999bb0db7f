/**
 * Operator routes of the API: the bearer-token-guarded {@code /admin/*} (warm, flush, hot keys,
 * replay status), the hot-key sketch behind {@code cachepipe warm --hot}, and the
 * {@code /cache/summary} health score with its recommendations.
 */
@NullMarked
package io.cachepipe.api.admin;

import org.jspecify.annotations.NullMarked;
