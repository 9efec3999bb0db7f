/** The {@code cachepipe} command line, and the in-process pipeline its demo runs. */
@NullMarked
package io.cachepipe.cli;

import org.jspecify.annotations.NullMarked;
