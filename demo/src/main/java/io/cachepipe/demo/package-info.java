/**
 * {@code cachepipe demo} and {@code cachepipe seed}: the example catalog on the embedded dev stack. The only
 * shipped code that needs dev-stack and examples; the production CLI does not carry it.
 */
@NullMarked
package io.cachepipe.demo;

import org.jspecify.annotations.NullMarked;
