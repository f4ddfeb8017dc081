package io.contrastream.model.drift;

import java.util.SplittableRandom;

/** Seeded random matrices shared by the drift tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** Standard normal via Box–Muller, so the tests need nothing beyond SplittableRandom. */
    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** n rows of d i.i.d. N(shift, 1) values. */
    static float[][] gaussianRows(int n, int d, double shift, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) x[i][c] = (float) (shift + gaussian(rng));
        }
        return x;
    }

    /**
     * Columns of an orthonormal n×n matrix from Gram–Schmidt on random vectors; if {@code first} is given it is
     * orthonormalised first, so the remaining columns are orthogonal to it.
     */
    static double[][] orthonormalColumns(int n, double[] first, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] cols = new double[n][];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = j == 0 && first != null ? first[i] : gaussian(rng);
            // Two passes of modified Gram–Schmidt keep the columns orthogonal to machine precision.
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += v[i] * cols[p][i];
                    for (int i = 0; i < n; i++) v[i] -= dot * cols[p][i];
                }
            }
            double norm = 0;
            for (double x : v) norm += x * x;
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) v[i] /= norm;
            cols[j] = v;
        }
        return cols;
    }

    /** Q diag(lambda) Qᵀ with Q's columns given as {@code q[j]}. */
    static double[][] withEigenvalues(double[][] q, double[] lambda) {
        int n = lambda.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = 0; p < n; p++) s += q[p][i] * lambda[p] * q[p][j];
                a[i][j] = s;
                a[j][i] = s;
            }
        }
        return a;
    }
}
