package io.contrastream.model.data;

import java.util.SplittableRandom;

/**
 * A generated labelled stream with class structure and an optional distribution shift, for the demo and tests.
 *
 * <p>Each class has a centre in d dimensions plus variation along a few class-specific directions; every observation
 * then suffers sensor-style nuisances: a random subset of features drops out (reads 0), the gain varies and
 * Gaussian noise is added. These nuisances are what the augmentations model, so a learned encoder can become
 * invariant to them while raw features cannot. From {@code shiftAt} on, the world changes: a bias appears on the
 * first quarter of the features and the class mix tilts towards the lower classes.
 *
 * <p>Sample {@code i} is a pure function of (seed, i), so any producer replays the same stream.
 */
public final class SyntheticStream {

    /** One generated observation. */
    public record Example(String id, float[] values, int label, boolean shifted) {}

    private final int dim;
    private final int classes;
    private final long seed;
    private final long shiftAt;
    private final float[][] centres;
    private final float[][][] directions;   // class × basis × dim
    private final double dropout;
    private final double noise;

    public SyntheticStream(int dim, int classes, long shiftAt, long seed) {
        this(dim, classes, shiftAt, seed, 1.0, 0.3, 0.6);
    }

    /** With the spread of the class centres, the feature dropout probability and the noise std made explicit. */
    public SyntheticStream(int dim, int classes, long shiftAt, long seed, double centreScale, double dropout, double noise) {
        if (dim < 4) throw new IllegalArgumentException("dim must be >= 4, got " + dim);
        if (classes < 2) throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        this.dim = dim;
        this.classes = classes;
        this.seed = seed;
        this.shiftAt = shiftAt;
        this.dropout = dropout;
        this.noise = noise;
        SplittableRandom rng = new SplittableRandom(seed);
        centres = new float[classes][dim];
        directions = new float[classes][3][dim];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < dim; j++) {
                centres[c][j] = (float) (rng.nextGaussian() * centreScale);
                for (int b = 0; b < 3; b++) directions[c][b][j] = (float) (rng.nextGaussian() * 0.6);
            }
        }
    }

    public Example example(long index) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        boolean shifted = shiftAt >= 0 && index >= shiftAt;
        int label = shifted && rng.nextDouble() < 0.5
                ? rng.nextInt(Math.max(1, classes / 2))      // after the shift half the samples come from the lower classes
                : rng.nextInt(classes);
        double gain = 0.6 + 0.8 * rng.nextDouble();
        double[] coef = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        float[] x = new float[dim];
        for (int j = 0; j < dim; j++) {
            double v = centres[label][j];
            for (int b = 0; b < 3; b++) v += coef[b] * directions[label][b][j];
            if (rng.nextDouble() < dropout) v = 0;
            v = gain * v + noise * rng.nextGaussian();
            if (shifted && j < dim / 4) v += 1.5;
            x[j] = (float) v;
        }
        return new Example("syn-" + index, x, label, shifted);
    }

    public int dim() { return dim; }

    public int classes() { return classes; }

    public long shiftAt() { return shiftAt; }
}
