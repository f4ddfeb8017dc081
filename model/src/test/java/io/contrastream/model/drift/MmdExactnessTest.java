package io.contrastream.model.drift;

import static io.contrastream.model.drift.DriftExactnessTest.SHAPES;
import static io.contrastream.model.drift.DriftExactnessTest.assertBits;
import static io.contrastream.model.drift.DriftExactnessTest.doubles;
import static io.contrastream.model.drift.DriftExactnessTest.rows;
import static io.contrastream.model.drift.DriftExactnessTest.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The MMD test's reordered loops give every double its former loops gave, as {@link DriftExactnessTest} checks. */
class MmdExactnessTest {

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
}
