package io.contrastream.model.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contrastream.model.linalg.Rows;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The drift statistics' loops were reordered for speed with every result kept bit for bit: each test runs the plain
 * loops they replaced, kept here as the reference, on seeded inputs of several shapes (odd sizes, repeated and zero
 * rows) and compares the doubles' bits; the MMD's are in {@link MmdExactnessTest}.
 */
class DriftExactnessTest {

    /** (rows, columns) pairs: tiny, odd, wider than tall, taller than wide, and the job's reservoir. */
    static final int[][] SHAPES = {{2, 1}, {3, 2}, {5, 3}, {17, 7}, {33, 64}, {70, 9}, {129, 31}, {256, 256}};

    @Test
    void tridiagonalisationMatchesTred2sRowByRowLoops() {
        SplittableRandom rng = new SplittableRandom(79);
        for (int[] s : SHAPES) {
            double[][] gram = HealthMetrics.gram(doubles(rows(s[0], s[1], s[0] * 83L + s[1])));
            assertSameTridiagonal(gram, "Gram " + shape(s));
            // A general symmetric matrix, asymmetric by rounding above the diagonal (only the lower triangle counts),
            // with a zero row and column (a skipped reflection).
            int n = s[0];
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = Fixtures.gaussian(rng);
                    a[j][i] = a[i][j] * (1 + 1e-13);
                }
            }
            if (n > 3) {
                for (int j = 0; j < n; j++) {
                    a[n - 2][j] = 0;
                    a[j][n - 2] = 0;
                }
            }
            assertSameTridiagonal(a, "symmetric " + n);
        }
    }

    @Test
    void gramMatrixMatchesThePairByPairLoop() {
        for (int[] s : SHAPES) {
            double[][] x = doubles(rows(s[0], s[1], s[0] * 37L + s[1]));
            double[][] expected = referenceGram(x);
            double[][] actual = HealthMetrics.gram(x);
            for (int i = 0; i < x.length; i++) assertArrayEquals(expected[i], actual[i], shape(s) + " row " + i);
        }
    }

    @Test
    void uniformityMatchesThePairByPairLoop() {
        for (int[] s : SHAPES) {
            float[][] z = rows(s[0], s[1], s[0] * 41L + s[1]);
            assertBits(referenceUniformity(z), HealthMetrics.uniformity(z), shape(s));
        }
    }

    @Test
    void representationDriftMatchesTheSortedNeighbourLists() {
        for (int[] s : SHAPES) {
            if (s[0] <= 3) continue;
            float[][] before = rows(s[0], s[1], s[0] * 43L + s[1]);
            float[][] after = rows(s[0], s[1], s[0] * 47L + s[1]);
            for (int i = 0; i < after.length; i += 3) after[i] = before[i].clone();   // some probes do not move
            int k = Math.min(10, s[0] - 1);
            RepresentationDrift.Result expected = referenceCompare(before, after, k);
            RepresentationDrift.Result actual = RepresentationDrift.compare(before, after, k);
            assertBits(expected.cosineMovement(), actual.cosineMovement(), shape(s));
            assertBits(expected.knnOverlap(), actual.knnOverlap(), shape(s));
        }
    }

    @Test
    void neighboursAreTheHeadOfTheSortedRanking() {
        // Few distinct values, so most similarities tie; ±0.0 compare equal and NaN compares equal to itself.
        double[] values = {0.5, -0.25, 0.0, -0.0, 1.0, Double.NaN, 0.5000000000000001};
        SplittableRandom rng = new SplittableRandom(89);
        for (int n = 2; n < 40; n++) {
            double[] sim = new double[n];
            for (int j = 0; j < n; j++) sim[j] = values[rng.nextInt(values.length)];
            for (int k = 0; k < n; k++) {
                int i = rng.nextInt(n);
                Integer[] order = new Integer[n - 1];
                for (int j = 0, o = 0; j < n; j++) if (j != i) order[o++] = j;
                Arrays.sort(order, (p, q) -> sim[p] != sim[q] ? Double.compare(sim[q], sim[p]) : Integer.compare(p, q));
                int[] expected = Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, RepresentationDrift.neighbours(sim, i, k), Arrays.toString(sim) + ", i " + i + ", k " + k);
            }
        }
    }

    private static void assertSameTridiagonal(double[][] a, String what) {
        int n = a.length;
        double[] d = new double[n];
        double[] e = new double[n];
        double[] expectedD = new double[n];
        double[] expectedE = new double[n];
        referenceTridiagonalise(copy(a), expectedD, expectedE);
        SymmetricEigen.tridiagonalise(copy(a), d, e);
        assertArrayEquals(expectedD, d, what + ": diagonal");
        assertArrayEquals(expectedE, e, what + ": sub-diagonal");
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    /**
     * Seeded rows with the cases a reordering could get wrong: mixed signs (cancellation, −0.0 products), a zero row,
     * repeated rows (zero distances, tied similarities) and an exact multiple of another row (tied cosines).
     */
    static float[][] rows(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) x[i][c] = (float) (Fixtures.gaussian(rng) * (1 + c % 3));
        }
        if (n > 2) Arrays.fill(x[n / 2], 0);
        for (int i = 5; i < n; i += 7) x[i] = x[i - 4].clone();
        for (int i = 6; i < n; i += 11) {
            for (int c = 0; c < d; c++) x[i][c] = 2 * x[i - 1][c];
        }
        return x;
    }

    static double[][] doubles(float[][] z) {
        double[][] x = new double[z.length][z[0].length];
        for (int i = 0; i < z.length; i++) {
            for (int c = 0; c < z[0].length; c++) x[i][c] = z[i][c];
        }
        return x;
    }

    static void assertBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                what + ": expected " + expected + ", got " + actual);
    }

    static String shape(int[] s) {
        return s[0] + "x" + s[1];
    }

    private static void referenceTridiagonalise(double[][] z, double[] d, double[] e) {
        int n = z.length;
        for (int i = n - 1; i > 0; i--) {
            int l = i - 1;
            double[] zi = z[i];
            if (l == 0) {
                e[i] = zi[l];
                continue;
            }
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
            double g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
            e[i] = scale * g;
            h -= f * g;
            zi[l] = f - g;
            for (int j = 0; j < i; j++) e[j] = 0;
            for (int j = 0; j < i; j++) {
                double[] zj = z[j];
                double uj = zi[j];
                g = 0;
                for (int k = 0; k < j; k++) {
                    g += zj[k] * zi[k];
                    e[k] += zj[k] * uj;
                }
                e[j] += g + zj[j] * uj;
            }
            f = 0;
            for (int j = 0; j < i; j++) {
                e[j] /= h;
                f += e[j] * zi[j];
            }
            double hh = f / (h + h);
            for (int j = 0; j < i; j++) {
                double[] zj = z[j];
                f = zi[j];
                g = e[j] - hh * f;
                e[j] = g;
                for (int k = 0; k <= j; k++) zj[k] -= f * e[k] + g * zi[k];
            }
        }
        e[0] = 0;
        for (int i = 0; i < n; i++) d[i] = z[i][i];
    }

    private static double[][] referenceGram(double[][] x) {
        int n = x.length;
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int c = 0; c < x[i].length; c++) s += x[i][c] * x[j][c];
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        return g;
    }

    private static double referenceUniformity(float[][] z) {
        double[][] u = Rows.normalize(z);
        double max = Double.NEGATIVE_INFINITY;
        double scaledSum = 0;
        for (int i = 0; i < u.length; i++) {
            for (int j = i + 1; j < u.length; j++) {
                double s = 0;
                for (int c = 0; c < u[i].length; c++) {
                    double diff = u[i][c] - u[j][c];
                    s += diff * diff;
                }
                double v = -2 * s;
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

    private static RepresentationDrift.Result referenceCompare(float[][] before, float[][] after, int k) {
        int n = before.length;
        double[][] a = Rows.normalize(before);
        double[][] b = Rows.normalize(after);
        double movement = 0;
        for (int i = 0; i < n; i++) movement += 1 - dot(a[i], b[i]);
        double overlap = 0;
        for (int i = 0; i < n; i++) {
            java.util.Set<Integer> na = referenceNeighbours(a, i, k);
            int shared = 0;
            for (int j : referenceNeighbours(b, i, k)) if (na.contains(j)) shared++;
            overlap += shared / (double) k;
        }
        return new RepresentationDrift.Result(Math.max(0, movement / n), overlap / n);
    }

    private static java.util.Set<Integer> referenceNeighbours(double[][] x, int i, int k) {
        Integer[] order = new Integer[x.length - 1];
        double[] sim = new double[x.length];
        for (int j = 0, o = 0; j < x.length; j++) {
            if (j == i) continue;
            sim[j] = dot(x[i], x[j]);
            order[o++] = j;
        }
        Arrays.sort(order, (p, q) -> sim[p] != sim[q] ? Double.compare(sim[q], sim[p]) : Integer.compare(p, q));
        return new java.util.HashSet<>(Arrays.asList(order).subList(0, k));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }
}
