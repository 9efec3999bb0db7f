package io.cachepipe.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zipf-distributed ranks over {@code n} items: rank {@code k} (1-based) is drawn with probability
 * proportional to {@code 1 / k^exponent}. Exponent 0 is uniform; 1.0, the default, is the classic
 * web-cache skew. Ranks map to items through a fixed shuffle, so the hot items are spread over the
 * keyspace (and over categories) instead of being ids 1, 2, 3.
 *
 * <p>Sampling is a binary search in the precomputed cumulative distribution: O(log n), no allocation.
 * Thread-safe once built; each caller brings its own random generator. Public for the JMH benchmarks
 * ({@code io.cachepipe.bench.jmh}), which draw their keys the way the load does.
 */
public final class Zipf {
    private final double[] cumulative;
    private final int[] itemOfRank;

    public Zipf(int n, double exponent, long seed) {
        if (n < 1 || exponent < 0 || Double.isNaN(exponent)) {
            throw new IllegalArgumentException("need n >= 1 and exponent >= 0, got n=" + n + ", exponent=" + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 1; rank <= n; rank++) {
            sum += 1 / Math.pow(rank, exponent);
            cumulative[rank - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
        itemOfRank = shuffled(n, seed);
    }

    /** {@code 0 .. n-1} in an order fixed by {@code seed} (Fisher-Yates). */
    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        var random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** An item index in {@code [0, n)}. */
    public int next(SplittableRandom random) {
        return itemOfRank[rank(random.nextDouble())];
    }

    /** The 0-based rank whose cumulative probability first reaches {@code u}. */
    int rank(double u) {
        int found = Arrays.binarySearch(cumulative, u);
        int rank = found >= 0 ? found : -found - 1;
        return Math.min(rank, cumulative.length - 1);
    }

    /** The share of draws that land on the {@code top} most popular items. */
    double shareOfTop(int top) {
        return top <= 0 ? 0 : cumulative[Math.min(top, cumulative.length) - 1];
    }

    int size() {
        return cumulative.length;
    }
}
