package io.cachepipe.cli.planted;

import io.cachepipe.devstack.DevStack;

/** Planted for {@code RulesBiteTest}: the shipped CLI starting the dev stack. */
public final class CliStartsServers {
    int start(DevStack stack) {
        return stack.hashCode();
    }
}
