package io.contrastream.model.drift;

import io.contrastream.model.linalg.Rows;

/**
 * Label-free health indicators of an embedding space: alignment and uniformity (Wang &amp; Isola 2020), per-dimension
 * spread for collapse detection, effective rank (Roy &amp; Vetterli 2007) and simple shift measures.
 */
public final class HealthMetrics {

    /**
     * Eigenvalues below this fraction of the largest (times the matrix size) are rounding noise from the solver;
     * their square roots (~1e-8 relative) would otherwise add spurious entropy to the effective rank.
     */
    private static final double EIGEN_NOISE = 1e-15;

    private HealthMetrics() {
    }

    /** Alignment (α = 2): mean over rows of ||q̂ᵢ − k̂ᵢ||² on L2-normalised rows; 0 is perfect, 4 is opposite. */
    public static double alignment(float[][] q, float[][] k) {
        int d = Rows.requireMatrix(q, "q", 1, -1);
        requireSameShape(q, k, "q", "k");
        double sum = 0;
        for (int i = 0; i < q.length; i++) {
            double[] a = Rows.normalize(q[i]);
            double[] b = Rows.normalize(k[i]);
            sum += squaredDistance(a, b, d);
        }
        return sum / q.length;
    }

    /**
     * Uniformity with t = 2: log of the mean over pairs i &lt; j of exp(−2||ẑᵢ − ẑⱼ||²) on L2-normalised rows; 0 when
     * all rows coincide and more negative (never below −8) as they spread over the sphere.
     */
    public static double uniformity(float[][] z) {
        int d = Rows.requireMatrix(z, "z", 2, -1);
        double[][] u = Rows.normalize(z);
        // A streaming log-sum-exp keeps the O(n²) pair terms out of memory and avoids underflow for large t.
        double max = Double.NEGATIVE_INFINITY;
        double scaledSum = 0;
        Columns columns = new Columns(u, d);
        double[][] distances = new double[Columns.BLOCK][u.length];
        for (int i = 0; i < u.length; i++) {
            if (i % Columns.BLOCK == 0) columns.squaredDistances(i, i + 1, u.length, distances);
            for (int j = i + 1; j < u.length; j++) {
                double v = -2 * distances[i % Columns.BLOCK][j];
                if (v <= max) {
                    scaledSum += Math.exp(v - max);
                } else {
                    scaledSum = scaledSum * Math.exp(max - v) + 1;
                    max = v;
                }
            }
        }
        double pairs = (double) u.length * (u.length - 1) / 2;
        return max + Math.log(scaledSum) - Math.log(pairs);
    }

    /**
     * Mean over dimensions of the population standard deviation over rows of the L2-normalised rows; about 1/√d for
     * an isotropic embedding and near 0 when all rows collapse to one direction (SimSiam, Chen &amp; He 2021).
     */
    public static double collapseStd(float[][] z) {
        int d = Rows.requireMatrix(z, "z", 2, -1);
        double[][] u = Rows.normalize(z);
        int n = u.length;
        double[] mean = columnMeans(u, d);
        double total = 0;
        for (int c = 0; c < d; c++) {
            // Two-pass variance: the one-pass E[x²] − E[x]² form cancels badly when the spread is tiny.
            double ss = 0;
            for (double[] row : u) {
                double dev = row[c] - mean[c];
                ss += dev * dev;
            }
            total += Math.sqrt(ss / n);
        }
        return total / d;
    }

    /**
     * Effective rank exp(H(p)) with pᵢ = σᵢ / Σσ over the singular values of the column-centred matrix (Roy &amp;
     * Vetterli 2007); between 1 and min(n, d), or 0 if all rows are identical.
     */
    public static double effectiveRank(float[][] z) {
        int d = Rows.requireMatrix(z, "z", 2, -1);
        double[][] x = doubles(z);
        double[] mean = columnMeans(x, d);
        for (double[] row : x) {
            for (int c = 0; c < d; c++) row[c] -= mean[c];
        }
        // XXᵀ and XᵀX share their non-zero eigenvalues σᵢ², so the smaller one is decomposed; it is left unscaled
        // because any constant factor cancels in pᵢ.
        double[][] g = x.length <= d ? gram(x) : scatter(x, d);
        double[] eig = SymmetricEigen.eigenvalues(g);
        double largest = Math.max(0, eig[eig.length - 1]);
        double floor = largest * EIGEN_NOISE * g.length;
        double[] sigma = new double[eig.length];
        double sigmaSum = 0;
        for (int i = 0; i < eig.length; i++) {
            sigma[i] = eig[i] > floor ? Math.sqrt(eig[i]) : 0;
            sigmaSum += sigma[i];
        }
        if (sigmaSum == 0) return 0;
        double entropy = 0;
        for (double s : sigma) {
            if (s > 0) {
                double p = s / sigmaSum;
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }

    /** Euclidean distance between the column means of {@code a} and {@code b}. */
    public static double meanShift(float[][] a, float[][] b) {
        int d = Rows.requireMatrix(a, "a", 1, -1);
        int db = Rows.requireMatrix(b, "b", 1, -1);
        if (d != db) {
            throw new IllegalArgumentException("a and b must have the same number of columns, got " + d + " and " + db);
        }
        double[] ma = columnMeans(doubles(a), d);
        double[] mb = columnMeans(doubles(b), d);
        return Math.sqrt(squaredDistance(ma, mb, d));
    }

    /** Mean over rows of cos(aᵢ, bᵢ), e.g. the positive-pair cosine of two views; a zero row counts as cosine 0. */
    public static double meanCosine(float[][] a, float[][] b) {
        int d = Rows.requireMatrix(a, "a", 1, -1);
        requireSameShape(a, b, "a", "b");
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double[] u = Rows.normalize(a[i]);
            double[] v = Rows.normalize(b[i]);
            double dot = 0;
            for (int c = 0; c < d; c++) dot += u[c] * v[c];
            sum += dot;
        }
        return sum / a.length;
    }

    private static void requireSameShape(float[][] a, float[][] b, String nameA, String nameB) {
        int d = a[0].length;
        Rows.requireMatrix(b, nameB, 1, -1);
        if (a.length != b.length || b[0].length != d) {
            throw new IllegalArgumentException(nameA + " and " + nameB + " must have the same shape, got "
                    + a.length + "x" + d + " and " + b.length + "x" + b[0].length);
        }
    }

    private static double squaredDistance(double[] a, double[] b, int d) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            double diff = a[c] - b[c];
            s += diff * diff;
        }
        return s;
    }

    private static double[] columnMeans(double[][] x, int d) {
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int c = 0; c < d; c++) mean[c] += row[c];
        }
        for (int c = 0; c < d; c++) mean[c] /= x.length;
        return mean;
    }

    private static double[][] doubles(float[][] z) {
        double[][] x = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            x[i] = new double[z[i].length];
            for (int c = 0; c < z[i].length; c++) x[i][c] = z[i][c];
        }
        return x;
    }

    /** XXᵀ (n×n), filled symmetrically so the eigen-solver's symmetry check sees exact equality. */
    static double[][] gram(double[][] x) {
        int n = x.length;
        double[][] g = new double[n][n];
        Columns columns = new Columns(x, x[0].length);
        double[][] block = new double[Columns.BLOCK][n];
        for (int i0 = 0; i0 < n; i0 += Columns.BLOCK) {
            int end = Math.min(i0 + Columns.BLOCK, n);
            columns.dots(i0, 0, end, block);
            for (int i = i0; i < end; i++) {
                for (int j = 0; j <= i; j++) {
                    g[i][j] = block[i - i0][j];
                    g[j][i] = block[i - i0][j];
                }
            }
        }
        return g;
    }

    /** XᵀX (d×d), accumulated row by row for sequential memory access. */
    private static double[][] scatter(double[][] x, int d) {
        double[][] s = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                if (ra == 0) continue;
                double[] sa = s[a];
                for (int b = 0; b <= a; b++) sa[b] += ra * row[b];
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) s[b][a] = s[a][b];
        }
        return s;
    }
}
