/**
 * The operator commands: {@code replay}, {@code rebuild}, {@code warm}, {@code flush}, {@code stats}.
 * Each reads the same settings as the processes (file, environment, {@code --set key=value}),
 * reports every configuration problem at once, and exits non-zero with a message on failure.
 */
@NullMarked
package io.cachepipe.cli.ops;

import org.jspecify.annotations.NullMarked;
