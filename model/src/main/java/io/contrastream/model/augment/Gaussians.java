package io.contrastream.model.augment;

/**
 * Standard normal draws from the bits of one 64-bit random: the inverse CDF, tabulated at 4,097 quantiles and
 * interpolated linearly, so the draws are truncated at ±3.67σ (the outermost quantile; the variance is 0.996), which
 * noise for augmentation does not miss. The top 24 bits are left for a masking decision on the same draw.
 * {@code SplittableRandom.nextGaussian} (a ziggurat) and a second draw for the mask were most of a 784-feature view's
 * 15 µs.
 */
final class Gaussians {

    private static final int BITS = 12;
    private static final int SIZE = 1 << BITS;
    private static final float[] QUANTILES = table();

    private Gaussians() {}

    /** A standard normal draw from bits 16–39 of {@code r}. */
    static float of(long r) {
        int i = (int) (r >>> 28) & (SIZE - 1);
        float f = (((int) (r >>> 16) & (SIZE - 1)) + 0.5f) * (1f / SIZE);   // mid-bins: the draws stay symmetric
        return QUANTILES[i] + f * (QUANTILES[i + 1] - QUANTILES[i]);
    }

    /** Whether the top 24 bits of {@code r} fall below {@code threshold} ({@link #threshold}): probability p. */
    static boolean below(long r, long threshold) {
        return (r >>> 40) < threshold;
    }

    /** The threshold for probability {@code p} in [0, 1]. */
    static long threshold(double p) {
        return Math.round(p * (1L << 24));
    }

    private static float[] table() {
        float[] q = new float[SIZE + 1];
        for (int i = 0; i <= SIZE; i++) q[i] = (float) inverseNormal((i + 0.5) / (SIZE + 1));
        return q;
    }

    /** Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation, relative error below 1.2e-9. */
    static double inverseNormal(double p) {
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) return -inverseNormal(1 - p);
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
