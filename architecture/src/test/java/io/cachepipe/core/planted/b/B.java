package io.cachepipe.core.planted.b;

import io.cachepipe.core.planted.a.A;

/** Planted for {@code RulesBiteTest}: the other half of a package cycle. */
public final class B {
    A other;
}
