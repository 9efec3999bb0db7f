package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void exponentOne_givesTheHarmonicShares() {
        var zipf = new Zipf(1_000, 1.0, 1);
        double harmonic = 0;
        for (int k = 1; k <= 1_000; k++) {
            harmonic += 1.0 / k;
        }
        assertThat(zipf.shareOfTop(1)).isCloseTo(1 / harmonic, within(1e-9));
        assertThat(zipf.shareOfTop(10)).isCloseTo((1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0 + 1 / 5.0 + 1 / 6.0 + 1 / 7.0 + 1 / 8.0 + 1 / 9.0 + 1 / 10.0)
                / harmonic, within(1e-9));
        assertThat(zipf.shareOfTop(1_000)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void draws_followTheDistribution_andTheHottestItemIsNotItemZero() {
        var zipf = new Zipf(100, 1.0, 1);
        var random = new SplittableRandom(3);
        int[] counts = new int[100];
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            counts[zipf.next(random)]++;
        }
        int hottest = 0;
        for (int i = 1; i < 100; i++) {
            hottest = counts[i] > counts[hottest] ? i : hottest;
        }
        assertThat((double) counts[hottest] / draws).isCloseTo(zipf.shareOfTop(1), within(0.01));
        assertThat(hottest).as("ranks are shuffled over the items").isNotZero();
    }

    @Test
    void exponentZero_isUniform() {
        var zipf = new Zipf(4, 0, 1);
        assertThat(zipf.shareOfTop(1)).isCloseTo(0.25, within(1e-12));
        assertThat(zipf.rank(0.0)).isZero();
        assertThat(zipf.rank(0.99)).isEqualTo(3);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Zipf(0, 1, 1)).hasMessageContaining("n >= 1");
        assertThatThrownBy(() -> new Zipf(10, -1, 1)).hasMessageContaining("exponent >= 0");
    }
}
