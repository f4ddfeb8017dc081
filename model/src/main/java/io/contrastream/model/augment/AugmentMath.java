package io.contrastream.model.augment;

import java.util.SplittableRandom;

/** Shared sampling, checking and resampling helpers for the augmenters in this package. */
final class AugmentMath {

    /** The 64-bit golden-ratio increment used by SplitMix64. */
    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private AugmentMath() {}

    /** Uniform in [lo, hi); unlike {@code rng.nextDouble(lo, hi)} it accepts lo == hi. */
    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** Log-uniform in [lo, hi], so that an aspect ratio r and 1/r are equally likely. */
    static double logUniform(SplittableRandom rng, double lo, double hi) {
        return Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));
    }

    /**
     * Draws a multiplicative factor from [lo, hi] and applies {@code strength} to its logarithm, so
     * the factor stays positive at any strength and strength 0 gives exactly 1.
     */
    static double scaleFactor(SplittableRandom rng, double lo, double hi, double strength) {
        return Math.exp(strength * Math.log(uniform(rng, lo, hi)));
    }

    /** SplitMix64 finaliser (Stafford's variant 13): a cheap bijection with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Casts to float, saturating at the float range, so that a finite input can never come back as
     * an infinity after scaling.
     */
    static float saturate(double v) {
        if (v > Float.MAX_VALUE) {
            return Float.MAX_VALUE;
        }
        if (v < -Float.MAX_VALUE) {
            return -Float.MAX_VALUE;
        }
        return (float) v;
    }

    /** Multiplies dimensions, rejecting any that are not positive or whose product overflows. */
    static int volume(String shapeText, int... dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException(
                        "shape dimensions must be in [1, " + Integer.MAX_VALUE + "], got " + shapeText);
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "shape volume must be in [1, " + Integer.MAX_VALUE + "], got " + shapeText);
            }
        }
        return (int) n;
    }

    /**
     * Fails fast on a missing generator or a malformed sample; non-finite values are rejected because
     * a single NaN would poison the image statistics (min, max, mean) and so every output value.
     */
    static void checkSample(float[] x, int expectedLength, String shapeText, SplittableRandom rng) {
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        if (x.length != expectedLength) {
            throw new IllegalArgumentException(
                    "x.length must be " + expectedLength + " for shape " + shapeText + ", got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("x[" + i + "] must be finite, got " + x[i]);
            }
        }
    }

    /**
     * Fills linear-interpolation taps that map a window [start, start + len) of one axis onto
     * {@code outLen} output positions, using half-pixel centres (align_corners=false) so that a
     * full-size window maps every output exactly onto its own input with zero weight on the neighbour.
     */
    static void linearTaps(int start, int len, int outLen, int[] lo, int[] hi, double[] weight) {
        double step = (double) len / outLen;
        int last = start + len - 1;
        for (int i = 0; i < outLen; i++) {
            double src = start + (i + 0.5) * step - 0.5;
            // Clamping keeps the edge samples inside the window, so nothing outside the crop leaks in.
            src = Math.min(Math.max(src, start), last);
            int floor = (int) Math.floor(src);
            lo[i] = floor;
            hi[i] = Math.min(floor + 1, last);
            weight[i] = src - floor;
        }
    }
}
