package io.cachepipe.warmer.planted;

import io.cachepipe.invalidator.Invalidator;

/** Planted for {@code RulesBiteTest}: one process calling another's classes. */
public final class WarmerCallsInvalidator {
    int call(Invalidator invalidator) {
        return invalidator.hashCode();
    }
}
