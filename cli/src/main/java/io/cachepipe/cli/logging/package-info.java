/** How the processes log: the format switch that logback.xml reads. */
@NullMarked
package io.cachepipe.cli.logging;

import org.jspecify.annotations.NullMarked;
