package io.contrastream.pipeline.ui;

import java.util.Random;

/**
 * Principal component analysis of a few thousand rows by orthogonal (block power) iteration on the implicit
 * covariance: X^T (X Q) costs O(n d k) per sweep and never forms the d×d matrix, so wide embeddings stay cheap.
 */
public final class Pca {

    /**
     * Enough for a plot: with a clear gap between the second and third variance it converges in tens of sweeps; without
     * one the top two directions are not well defined anyway, and 100 sweeps of 3,000 × 64 take about 40 ms.
     */
    private static final int MAX_SWEEPS = 100;
    private static final double TOLERANCE = 1e-9;

    private Pca() {}

    /**
     * The rows' coordinates on their top components, the variance along each, and the rows' total variance.
     *
     * @param coords      n × k coordinates of the centred rows on the components
     * @param components  k × d unit component directions, largest variance first
     * @param variance    the sample variance along each component
     * @param total       the sum of the per-dimension sample variances (so {@code variance[c] / total} is explained)
     */
    public record Result(double[][] coords, double[][] components, double[] variance, double total) {

        /** The fraction of the total variance along component {@code c} (0 when the rows do not vary). */
        public double explained(int c) {
            return total > 0 ? variance[c] / total : 0;
        }
    }

    /**
     * Projects {@code rows} (n rows of d values) onto their top {@code k} principal components. The start is drawn
     * from {@code seed}, and each component's sign is fixed (its largest-magnitude entry positive), so the same rows
     * give the same map on every refresh.
     */
    public static Result project(float[][] rows, int k, long seed) {
        return project(rows, k, seed, null);
    }

    /**
     * As {@link #project(float[][], int, long)}, starting from {@code start} (k × d, e.g. the components of the
     * previous refresh) when it fits: a few new rows then take a sweep or two instead of a full run.
     */
    public static Result project(float[][] rows, int k, long seed, double[][] start) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        k = Math.min(k, d);
        double[] mean = new double[d];
        for (float[] r : rows) {
            if (r.length != d) throw new IllegalArgumentException("rows of different widths: " + d + " and " + r.length);
            for (int j = 0; j < d; j++) mean[j] += r[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= Math.max(n, 1);
        double[][] x = new double[n][d];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rows[i][j] - mean[j];
                total += x[i][j] * x[i][j];
            }
        }
        double denominator = Math.max(n - 1, 1);
        total /= denominator;

        Random random = new Random(seed);
        double[][] q = new double[k][d];
        boolean warm = start != null && start.length == k && (k == 0 || start[0].length == d);
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) q[c][j] = warm ? start[c][j] : random.nextGaussian();
        orthonormalise(q, random);
        for (int sweep = 0; sweep < MAX_SWEEPS && total > 0; sweep++) {
            double[][] next = covarianceTimes(x, q);
            orthonormalise(next, random);
            // How far each direction moved (up to sign): 1 - |cos| would stop at an angle near sqrt(2 * tolerance).
            double change = 0;
            for (int c = 0; c < k; c++) {
                double sign = Math.signum(dot(next[c], q[c]));
                double moved = 0;
                for (int j = 0; j < d; j++) moved += (next[c][j] - sign * q[c][j]) * (next[c][j] - sign * q[c][j]);
                change = Math.max(change, Math.sqrt(moved));
            }
            q = next;
            if (change < TOLERANCE) break;
        }
        double[] variance = new double[k];
        double[][] coords = new double[n][k];
        for (int c = 0; c < k; c++) {
            fixSign(q[c]);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                coords[i][c] = dot(x[i], q[c]);
                sum += coords[i][c] * coords[i][c];
            }
            variance[c] = sum / denominator;
        }
        return new Result(coords, q, variance, total);
    }

    /** X^T X q for each column q (the unscaled covariance: the scale does not change the directions). */
    private static double[][] covarianceTimes(double[][] x, double[][] q) {
        int k = q.length;
        int d = k == 0 ? 0 : q[0].length;
        double[][] out = new double[k][d];
        double[] xq = new double[k];
        for (double[] row : x) {
            for (int c = 0; c < k; c++) xq[c] = dot(row, q[c]);
            for (int c = 0; c < k; c++) {
                double s = xq[c];
                double[] o = out[c];
                for (int j = 0; j < d; j++) o[j] += s * row[j];
            }
        }
        return out;
    }

    /**
     * Gram-Schmidt, twice for accuracy. The first column thus follows plain power iteration and each later one the
     * iteration deflated by the ones before, which orders the components by variance. A column that vanishes (rows
     * with no variance left in it) is replaced by a fresh random direction so the basis stays orthonormal.
     */
    private static void orthonormalise(double[][] q, Random random) {
        for (int c = 0; c < q.length; c++) {
            for (int attempt = 0; ; attempt++) {
                for (int pass = 0; pass < 2; pass++) {
                    for (int b = 0; b < c; b++) {
                        double p = dot(q[c], q[b]);
                        for (int j = 0; j < q[c].length; j++) q[c][j] -= p * q[b][j];
                    }
                }
                double norm = Math.sqrt(dot(q[c], q[c]));
                if (norm > 1e-150 || attempt >= 8) {
                    for (int j = 0; j < q[c].length; j++) q[c][j] = norm > 0 ? q[c][j] / norm : 0;
                    break;
                }
                for (int j = 0; j < q[c].length; j++) q[c][j] = random.nextGaussian();
            }
        }
    }

    private static void fixSign(double[] v) {
        int largest = 0;
        for (int j = 1; j < v.length; j++) if (Math.abs(v[j]) > Math.abs(v[largest])) largest = j;
        if (v.length > 0 && v[largest] < 0) for (int j = 0; j < v.length; j++) v[j] = -v[j];
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }
}
