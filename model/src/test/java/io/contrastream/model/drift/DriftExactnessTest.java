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
 * rows) and compares the doubles' bits.
 */
class DriftExactnessTest {

    /** (rows, columns) pairs: tiny, odd, wider than tall, taller than wide, and the job's reservoir. */
    private static final int[][] SHAPES = {{2, 1}, {3, 2}, {5, 3}, {17, 7}, {33, 64}, {70, 9}, {129, 31}, {256, 256}};

    @Test
    void squaredDistancesMatchThePairByPairLoop() {
        for (int[] s : SHAPES) {
            double[][] z = doubles(rows(s[0], s[1], s[0] * 31L + s[1]));
            double[] expected = referenceSquaredDistances(z, s[1]);
            for (int i = 0; i < s[0]; i++) Arrays.fill(expected, i * s[0] + i, (i + 1) * s[0], 0);   // the lower triangle
            assertArrayEquals(expected, Mmd.squaredDistances(z, s[1]), shape(s));
        }
    }

    @Test
    void medianHeuristicMatchesTheFullSort() {
        for (int[] s : SHAPES) {
            double[] sq = referenceSquaredDistances(doubles(rows(s[0], s[1], s[0] * 53L + s[1])), s[1]);
            assertBits(referenceMedianHeuristic(sq, s[0]), Mmd.medianHeuristic(sq, s[0]), shape(s));
        }
        // Heavy ties, and mostly zeros (the fallback to the mean of the positive values) at even and odd pair counts.
        SplittableRandom rng = new SplittableRandom(59);
        for (int total = 2; total < 60; total++) {
            for (int levels : new int[] {1, 2, 3, 7, 1000}) {
                double[] sq = new double[total * total];
                for (int i = 0; i < total; i++) {
                    for (int j = 0; j < i; j++) {
                        sq[i * total + j] = rng.nextInt(levels) * (rng.nextInt(4) == 0 ? 1.5 : 0.25);
                        sq[j * total + i] = sq[i * total + j];
                    }
                }
                String what = total + " rows, " + levels + " levels";
                assertBits(referenceMedianHeuristic(sq, total), Mmd.medianHeuristic(sq, total), what);
            }
        }
    }

    @Test
    void medianMatchesTheSortedArray() {
        SplittableRandom rng = new SplittableRandom(97);
        for (int n : new int[] {1, 2, 3, 4, 5, 1023, 1024, 1025, 2048, 4097, 30_001, 130_816}) {
            int stride = Math.max(1, n / 1024);
            for (int kind = 0; kind < 4; kind++) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = switch (kind) {
                        case 0 -> rng.nextDouble();
                        case 1 -> rng.nextInt(5) * 0.5;   // ties, many of them +0.0
                        case 2 -> i % stride == 0 ? 1e-9 * i : 1 + rng.nextDouble();   // a strided sample that misses
                        default -> n - i;
                    };
                }
                double[] sorted = v.clone();
                Arrays.sort(sorted);
                double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
                assertBits(expected, Median.of(v), n + " values, kind " + kind);
            }
        }
    }

    @Test
    void permutationStatisticsMatchTheOneLabellingAtATimeLoop() {
        // Permutation counts around multiples of the four labellings summed side by side; sides of unequal sizes.
        int[][] sides = {{2, 2}, {3, 5}, {17, 8}, {64, 64}};
        for (int[] side : sides) {
            int total = side[0] + side[1];
            double[] kernel = referenceSquaredDistances(doubles(rows(total, 6, total)), 6);
            for (int i = 0; i < kernel.length; i++) kernel[i] = Math.exp(-kernel[i] / 7);
            double offDiagonal = 0;
            for (int i = 0; i < kernel.length; i++) offDiagonal += i % (total + 1) == 0 ? 0 : kernel[i];
            for (int permutations : new int[] {0, 1, 3, 4, 5, 8, 99}) {
                double[] expected = referenceStatistics(kernel, total, side[0], offDiagonal, permutations, new SplittableRandom(61));
                double[] actual = Mmd.statistics(kernel, total, side[0], offDiagonal, permutations, new SplittableRandom(61));
                assertArrayEquals(expected, actual, side[0] + "+" + side[1] + ", " + permutations + " permutations");
            }
        }
    }

    @Test
    void mmdTestMatchesTheFormerLoopsEndToEnd() {
        int[][] cases = {{2, 3, 1, 10}, {9, 7, 5, 4}, {300, 280, 129, 256}, {256, 256, 256, 256}};   // n, m, d, cap
        for (int[] c : cases) {
            float[][] x = rows(c[0], c[2], c[0] * 67L + c[2]);
            float[][] y = rows(c[1], c[2], c[1] * 71L + c[2]);
            for (float[] row : y) row[0] += 0.3f;
            Mmd.Result expected = referenceMmd(x, y, 40, c[3], 73);
            Mmd.Result actual = Mmd.test(x, y, 40, c[3], 73);
            String what = c[0] + "+" + c[1] + " rows of " + c[2];
            assertBits(expected.mmd2(), actual.mmd2(), what);
            assertBits(expected.pValue(), actual.pValue(), what);
            assertBits(expected.bandwidth(), actual.bandwidth(), what);
        }
    }

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

    private static String shape(int[] s) {
        return s[0] + "x" + s[1];
    }

    private static double[] referenceSquaredDistances(double[][] z, int d) {
        int total = z.length;
        double[] out = new double[total * total];
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double diff = z[i][c] - z[j][c];
                    s += diff * diff;
                }
                out[i * total + j] = s;
                out[j * total + i] = s;
            }
        }
        return out;
    }

    private static Mmd.Result referenceMmd(float[][] x, float[][] y, int permutations, int cap, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] xs = Mmd.subsample(x.length, cap, rng);
        int[] ys = Mmd.subsample(y.length, cap, rng);
        int n = xs.length;
        int total = n + ys.length;
        float[][] pooled = new float[total][];
        for (int i = 0; i < total; i++) pooled[i] = i < n ? x[xs[i]] : y[ys[i - n]];
        double[] kernel = referenceSquaredDistances(doubles(pooled), x[0].length);
        double sigma2 = referenceMedianHeuristic(kernel, total) / 2;
        double offDiagonalSum = 0;
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < total; j++) {
                int at = i * total + j;
                kernel[at] = Math.exp(-kernel[at] / (2 * sigma2));
                if (i != j) offDiagonalSum += kernel[at];
            }
        }
        double[] statistics = referenceStatistics(kernel, total, n, offDiagonalSum, permutations, rng);
        int atLeastAsExtreme = 0;
        for (int p = 1; p <= permutations; p++) if (statistics[p] >= statistics[0]) atLeastAsExtreme++;
        double pValue = (1.0 + atLeastAsExtreme) / (1.0 + permutations);
        return new Mmd.Result(statistics[0], pValue, Math.sqrt(sigma2), n, ys.length);
    }

    private static double[] referenceStatistics(double[] kernel, int total, int n, double offDiagonalSum, int permutations,
                                                SplittableRandom rng) {
        int[] order = new int[total];
        for (int i = 0; i < total; i++) order[i] = i;
        double[] out = new double[permutations + 1];
        for (int p = 0; p <= permutations; p++) {
            if (p > 0) Mmd.shuffle(order, rng);
            int m = total - n;
            Arrays.sort(order, 0, n);
            Arrays.sort(order, n, total);
            double xx = referenceWithinSum(kernel, total, order, 0, n);
            double yy = referenceWithinSum(kernel, total, order, n, total);
            double xy = (offDiagonalSum - xx - yy) / 2;
            out[p] = xx / ((double) n * (n - 1)) + yy / ((double) m * (m - 1)) - 2 * xy / ((double) n * m);
        }
        return out;
    }

    private static double referenceWithinSum(double[] kernel, int total, int[] order, int from, int to) {
        double sum = 0;
        for (int a = from; a < to; a++) {
            int row = order[a] * total;
            for (int b = a + 1; b < to; b++) sum += kernel[row + order[b]];
        }
        return 2 * sum;
    }

    private static double referenceMedianHeuristic(double[] sq, int total) {
        int pairs = total * (total - 1) / 2;
        double[] values = new double[pairs];
        int k = 0;
        for (int i = 0; i < total; i++) {
            for (int j = i + 1; j < total; j++) values[k++] = sq[i * total + j];
        }
        Arrays.sort(values);
        double median = pairs % 2 == 1 ? values[pairs / 2] : (values[pairs / 2 - 1] + values[pairs / 2]) / 2;
        if (median > 0) return median;
        double positiveSum = 0;
        int positive = 0;
        for (double v : values) {
            if (v > 0) {
                positiveSum += v;
                positive++;
            }
        }
        return positive > 0 ? positiveSum / positive : 2;
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
