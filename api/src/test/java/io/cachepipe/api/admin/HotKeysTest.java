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
        double harmonic = 0;
        for (int k = 1; k <= 100_000; k++) harmonic += 1.0 / k;
        for (int i = 0; i < 200_000; i++) {
            double u = random.nextDouble() * harmonic;
            int k = 1;
            double sum = 1;
            while (sum < u) sum += 1.0 / ++k;
            sketch.record("key:" + k);
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
