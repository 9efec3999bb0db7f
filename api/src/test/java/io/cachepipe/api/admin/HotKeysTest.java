package io.cachepipe.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HotKeysTest {

    @Test
    void zipfTraffic_keepsTheHeavyHittersInASmallSketch() {
        var sketch = new HotKeys(50);
        var random = new SplittableRandom(42);
        // Zipf-like: key k drawn with probability ~ 1/k over 100,000 keys.
        double[] cumulative = new double[100_000];
        double harmonic = 0;
        for (int k = 1; k <= cumulative.length; k++) {
            harmonic += 1.0 / k;
            cumulative[k - 1] = harmonic;
        }
        for (int i = 0; i < 200_000; i++) {
            int found = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * harmonic);
            sketch.record("key:" + ((found < 0 ? -found - 1 : found) + 1));
        }
        assertThat(sketch.top(5).keySet()).containsExactly("key:1", "key:2", "key:3", "key:4", "key:5");
        assertThat(sketch.top(100)).hasSize(50);
    }

    @Test
    void increments_areReportedOnce_andAnEvictedCountIsNotReportedAgain() {
        var sketch = new HotKeys(2);
        sketch.record("a");
        sketch.record("a");
        sketch.record("b");
        assertThat(sketch.drainIncrements()).containsEntry("a", 2L).containsEntry("b", 1L);
        assertThat(sketch.drainIncrements()).isEmpty();
        sketch.record("c");
        assertThat(sketch.drainIncrements()).containsOnlyKeys("c").containsEntry("c", 1L);
    }

    @Test
    void zeroCapacity_recordsNothing() {
        var sketch = new HotKeys(0);
        sketch.record("a");
        assertThat(sketch.top(10)).isEmpty();
    }
}
