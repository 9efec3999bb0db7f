package io.cachepipe.core.planted.a;

import io.cachepipe.core.planted.b.B;

/** Planted for {@code RulesBiteTest}: half of a package cycle. */
public final class A {
    B other;
}
