package io.cachepipe.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HistogramQuantileTest {

    @Test
    void quantiles_interpolateWithinTheBucket_likeHistogramQuantile() {
        var cumulative = new TreeMap<Double, Double>();
        cumulative.put(0.01, 50.0);
        cumulative.put(0.02, 90.0);
        cumulative.put(0.05, 100.0);
        cumulative.put(Double.POSITIVE_INFINITY, 100.0);
        assertThat(HistogramQuantile.of(cumulative, 0.5)).isCloseTo(0.01, within(1e-9));
        assertThat(HistogramQuantile.of(cumulative, 0.7)).isCloseTo(0.015, within(1e-9));
        assertThat(HistogramQuantile.of(cumulative, 0.95)).isCloseTo(0.035, within(1e-9));
    }
}
