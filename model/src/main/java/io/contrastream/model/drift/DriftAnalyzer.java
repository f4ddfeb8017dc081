package io.contrastream.model.drift;

import java.util.SplittableRandom;

/**
 * Health and drift statistics of one window of embeddings against a reference window: uniformity, collapse std and
 * effective rank of the window, and MMD² with a permutation p-value plus the mean shift against the reference.
 *
 * <p>The quadratic statistics run on a seeded subsample of at most {@code maxSamples} rows per window, so the cost
 * per window is bounded whatever the window size.
 */
public final class DriftAnalyzer {

    /** The statistics of one window; the comparison fields are null when there is no reference yet. */
    public record WindowMetrics(double uniformity, double collapseStd, double effectiveRank,
                                Double mmd2, Double mmdPValue, Double meanShift) {}

    private final int maxSamples;
    private final int permutations;
    private final long seed;

    public DriftAnalyzer(int maxSamples, int permutations, long seed) {
        if (maxSamples < 2) throw new IllegalArgumentException("maxSamples must be >= 2, got " + maxSamples);
        if (permutations < 0) throw new IllegalArgumentException("permutations must be >= 0, got " + permutations);
        this.maxSamples = maxSamples;
        this.permutations = permutations;
        this.seed = seed;
    }

    /** Analyses a window (≥ 2 rows); {@code reference} may be null. {@code windowIndex} varies the subsample seed. */
    public WindowMetrics analyze(float[][] window, float[][] reference, long windowIndex) {
        if (window.length < 2) throw new IllegalArgumentException("a window needs at least 2 embeddings, got " + window.length);
        long s = seed * 0x9E3779B97F4A7C15L + windowIndex;
        float[][] sample = subsample(window, maxSamples, s);
        double uniformity = HealthMetrics.uniformity(sample);
        double collapse = HealthMetrics.collapseStd(window);
        double erank = HealthMetrics.effectiveRank(sample);
        if (reference == null || reference.length < 2) {
            return new WindowMetrics(uniformity, collapse, erank, null, null, null);
        }
        Mmd.Result mmd = Mmd.test(window, reference, permutations, maxSamples, s ^ 0x5DEECE66DL);
        double shift = HealthMetrics.meanShift(window, reference);
        return new WindowMetrics(uniformity, collapse, erank, mmd.mmd2(), mmd.pValue(), shift);
    }

    /** A seeded uniform subsample without replacement (partial Fisher–Yates); the rows themselves if few enough. */
    public static float[][] subsample(float[][] rows, int max, long seed) {
        if (rows.length <= max) return rows;
        float[][] copy = rows.clone();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < max; i++) {
            int j = i + rng.nextInt(copy.length - i);
            float[] t = copy[i];
            copy[i] = copy[j];
            copy[j] = t;
        }
        float[][] out = new float[max][];
        System.arraycopy(copy, 0, out, 0, max);
        return out;
    }
}
