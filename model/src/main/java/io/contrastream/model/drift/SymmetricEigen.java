package io.contrastream.model.drift;

import java.util.Arrays;

/**
 * Eigenvalues of a real symmetric matrix by Householder tridiagonalisation and implicit shifted QL, as in JAMA and
 * Numerical Recipes tred2/tqli.
 */
public final class SymmetricEigen {

    /** Per-eigenvalue iteration cap; QL normally converges in 1–3 sweeps, so hitting it means corrupt input. */
    private static final int MAX_ITERATIONS = 100;
    private static final double EPS = Math.ulp(1.0);
    /** Relative asymmetry tolerated, so matrices that are symmetric up to rounding are still accepted. */
    private static final double SYMMETRY_TOLERANCE = 1e-10;

    private SymmetricEigen() {
    }

    /**
     * Returns the eigenvalues of the symmetric matrix {@code a} in ascending order; {@code a} is not modified.
     *
     * <p>Eigenvectors are not accumulated, so the cost is about (4/3)n³ flops for the reduction plus O(n²) for QL.
     *
     * @throws IllegalArgumentException if {@code a} is empty, not square, not finite or not symmetric
     */
    public static double[] eigenvalues(double[][] a) {
        double[][] z = copyChecked(a);
        int n = z.length;
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalise(z, d, e);
        ql(d, e);
        Arrays.sort(d);
        return d;
    }

    private static double[][] copyChecked(double[][] a) {
        if (a == null || a.length == 0) throw new IllegalArgumentException("a must be a non-empty square matrix");
        int n = a.length;
        double[][] z = new double[n][];
        double maxAbs = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] == null || a[i].length != n) {
                throw new IllegalArgumentException("a must be square, row " + i + " does not have " + n + " entries");
            }
            z[i] = a[i].clone();
            for (double v : z[i]) {
                if (!Double.isFinite(v)) throw new IllegalArgumentException("a must contain only finite values");
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        double tol = SYMMETRY_TOLERANCE * maxAbs;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(z[i][j] - z[j][i]) > tol) {
                    throw new IllegalArgumentException(
                            "a must be symmetric, a[" + i + "][" + j + "] != a[" + j + "][" + i + "]");
                }
            }
        }
        return z;
    }

    /**
     * Householder reduction of the lower triangle of {@code z} (Numerical Recipes tred2 without eigenvectors):
     * on return {@code d} holds the diagonal and {@code e[i]} the sub-diagonal entry between rows i-1 and i.
     *
     * <p>The upper triangle is overwritten with a copy of the lower one and kept equal to it to the bit, so that
     * p = A·u and the update of A run over whole rows, element-wise; every entry is still the same sum in the same
     * order as tred2's row-by-row loops give.
     */
    static void tridiagonalise(double[][] z, double[] d, double[] e) {
        int n = z.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) z[j][i] = z[i][j];
        }
        for (int i = n - 1; i > 0; i--) {
            int l = i - 1;
            double[] zi = z[i];
            if (l == 0) {
                e[i] = zi[l];
                continue;
            }
            // Scaling the row first keeps the sum of squares from overflowing or underflowing.
            double scale = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(zi[k]);
            if (scale == 0) {
                e[i] = zi[l];
                continue;
            }
            double h = 0;
            for (int k = 0; k < i; k++) {
                zi[k] /= scale;
                h += zi[k] * zi[k];
            }
            double f = zi[l];
            // The sign choice avoids cancellation in f - g.
            double g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
            e[i] = scale * g;
            h -= f * g;
            zi[l] = f - g;
            // p = A·u / h, a row of A at a time: each e[j] sums A[k][j]·u[k] over k in ascending order from 0, as
            // tred2's dot product of row j (k < j) followed by its column (k ≥ j) does.
            Arrays.fill(e, 0, i, 0);
            for (int k = 0; k < i; k++) {
                double[] zk = z[k];
                double uk = zi[k];
                for (int j = 0; j < i; j++) e[j] += zk[j] * uk;
            }
            f = 0;
            for (int j = 0; j < i; j++) {
                e[j] /= h;
                f += e[j] * zi[j];
            }
            double hh = f / (h + h);
            for (int j = 0; j < i; j++) e[j] -= hh * zi[j];
            // A -= u·qᵀ + q·uᵀ: entries (j, k) and (k, j) subtract the same two products, so the triangles stay equal.
            for (int j = 0; j < i; j++) {
                double[] zj = z[j];
                f = zi[j];
                g = e[j];
                for (int k = 0; k < i; k++) zj[k] -= f * e[k] + g * zi[k];
            }
        }
        e[0] = 0;
        for (int i = 0; i < n; i++) d[i] = z[i][i];
    }

    /** Implicit QL on the tridiagonal (d, e) in place (JAMA tql2 without eigenvectors); eigenvalues end up in d. */
    private static void ql(double[] d, double[] e) {
        int n = d.length;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0;
        double tst1 = 0;
        for (int l = 0; l < n; l++) {
            // Deflation is judged against the largest entry seen so far, which is robust for graded matrices.
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > MAX_ITERATIONS) {
                        throw new IllegalStateException("QL iteration did not converge for eigenvalue " + l);
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0;
                    double s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > EPS * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    /** sqrt(a² + b²) without overflow; Math.hypot is ulp-exact but several times slower, which QL does not need. */
    private static double hypot(double a, double b) {
        double x = Math.abs(a);
        double y = Math.abs(b);
        if (x > y) {
            double t = y / x;
            return x * Math.sqrt(1 + t * t);
        }
        if (y == 0) return 0;
        double t = x / y;
        return y * Math.sqrt(1 + t * t);
    }
}
