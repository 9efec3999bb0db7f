/**
 * What every route of the API shares, the admin routes included: the error a route throws to answer
 * with a problem+json status ({@link io.cachepipe.api.http.ApiException}), and bearer-token checks.
 */
@NullMarked
package io.cachepipe.api.http;

import org.jspecify.annotations.NullMarked;
