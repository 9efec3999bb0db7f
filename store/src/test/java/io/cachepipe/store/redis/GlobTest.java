package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Flush patterns match keys as Redis globs do. */
class GlobTest {

    @Test
    void globs_matchLikeRedisPatterns() {
        assertThat(ViewKeys.globToRegex("product:1*").matcher("product:12").matches()).isTrue();
        assertThat(ViewKeys.globToRegex("product:1*").matcher("product:21").matches()).isFalse();
        assertThat(ViewKeys.globToRegex("category:?:products:page:[12]").matcher("category:3:products:page:2").matches()).isTrue();
        assertThat(ViewKeys.globToRegex("a.b").matcher("axb").matches()).as("dots are literal").isFalse();
    }
}
