/**
 * How a value of PostgreSQL becomes the JSON the cache holds: one rendering for a loaded row
 * ({@link io.cachepipe.core.render.RowJson}) and for a row image ({@link io.cachepipe.core.render.PlainRowView}),
 * byte for byte the same, or a refusal the caller falls back from.
 */
@NullMarked
package io.cachepipe.core.render;

import org.jspecify.annotations.NullMarked;
