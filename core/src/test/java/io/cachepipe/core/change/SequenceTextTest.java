package io.cachepipe.core.change;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SequenceTextTest {
    @Test
    void readsBothPositions_andNullsAsZero() {
        long[] positions = new long[2];
        assertThat(SequenceText.read("[\"24023928\",\"24023984\"]", positions)).isTrue();
        assertThat(positions).containsExactly(24023928L, 24023984L);
        assertThat(SequenceText.read(" [ null , \"7\" ] ", positions)).isTrue();
        assertThat(positions).containsExactly(0L, 7L);
        assertThat(SequenceText.read("[]", positions)).isTrue();
        assertThat(positions).containsExactly(0L, 0L);
    }

    @Test
    void readsTheFirstTwoOfLongerArrays() {
        long[] positions = new long[2];
        assertThat(SequenceText.read("[\"1\",\"2\",\"3\"]", positions)).isTrue();
        assertThat(positions).containsExactly(1L, 2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "[", "[\"1\"", "[\"1\",]x", "[\"-5\"]", "[\"1x\"]", "[1]", "[\"\"]", "[\"1\"] x",
            "[\"12345678901234567890\"]", "[nul]", "[\"1\" \"2\"]"})
    void leavesAnythingElseToTheJsonReader(String text) {
        long[] positions = {9, 9};
        assertThat(SequenceText.read(text, positions)).as(text).isFalse();
        assertThat(positions).containsExactly(9L, 9L);
    }
}
