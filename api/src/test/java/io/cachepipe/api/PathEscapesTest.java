package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths carry a malformed percent-escape (ApiFuzzIT seed 4000 found three that answered 500). */
class PathEscapesTest {

    @Test
    void aPercentWithoutTwoHexDigits_isFound_whereverItStands() {
        assertThat(PathEscapes.firstMalformed("/products/qxbq;h%y%0a")).isEqualTo(16);
        assertThat(PathEscapes.firstMalformed("/products/n;smoio%is]")).isEqualTo(17);
        assertThat(PathEscapes.firstMalformed("/products/1%")).isEqualTo(11);
        assertThat(PathEscapes.firstMalformed("/products/1%4")).isEqualTo(11);
    }

    @Test
    void wellFormedEscapes_andPathsWithout_pass() {
        assertThat(PathEscapes.firstMalformed("/products/1")).isEqualTo(-1);
        assertThat(PathEscapes.firstMalformed("/views/product?id=%31")).isEqualTo(-1);
        assertThat(PathEscapes.firstMalformed("/categories/3/products%2Fx%2f")).isEqualTo(-1);
    }
}
