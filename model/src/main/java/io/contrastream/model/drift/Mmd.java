package io.contrastream.model.drift;

import io.contrastream.model.linalg.Rows;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Kernel two-sample test on the unbiased MMD² statistic (Gretton et al. 2012, eq. 3) with an RBF kernel
 * k(x, y) = exp(−||x − y||² / (2σ²)) and a permutation p-value.
 */
public final class Mmd {

    /**
     * Outcome of {@link #test}: the unbiased MMD² (may be slightly negative under the null), the permutation p-value,
     * the kernel bandwidth σ, and the row counts actually used after subsampling.
     */
    public record Result(double mmd2, double pValue, double bandwidth, int n, int m) {
    }

    /** Largest pooled size whose n² kernel entries (and n(n−1) pair count) still fit in an int-indexed array. */
    private static final int MAX_POOLED = 46_340;
    /** Labellings whose within-sample sums are accumulated side by side. */
    private static final int CHAINS = 4;

    private Mmd() {
    }

    /**
     * Tests whether {@code x} and {@code y} come from the same distribution.
     *
     * <p>Bandwidth (median heuristic): σ² = median / 2 where median is taken over the squared distances of all
     * unordered pairs of distinct rows of the pooled sample (mean of the two middle values for an even count), so the
     * kernel is exp(−||x − y||² / median). If that median is 0 (more than half the pairs are duplicates) the mean of
     * the positive squared distances is used instead, and if every row is identical σ = 1 (the statistic is then 0
     * whatever σ is).
     *
     * <p>The p-value is (1 + #{permutations with statistic ≥ observed}) / (1 + permutations), which is never 0 and is
     * a valid level-α test (Phipson &amp; Smyth 2010); with zero permutations it is 1.
     *
     * @param x                 first sample, at least 2 rows
     * @param y                 second sample, at least 2 rows and as many columns as {@code x}
     * @param permutations      number of random relabellings, at least 0
     * @param maxSamplesPerSide cap on rows used from each side, at least 2
     * @param seed              drives both the subsampling and the permutations
     */
    public static Result test(float[][] x, float[][] y, int permutations, int maxSamplesPerSide, long seed) {
        int d = Rows.requireMatrix(x, "x", 2, -1);
        int dy = Rows.requireMatrix(y, "y", 2, -1);
        if (d != dy) {
            throw new IllegalArgumentException("x and y must have the same number of columns, got " + d + " and " + dy);
        }
        if (permutations < 0) throw new IllegalArgumentException("permutations must be >= 0, got " + permutations);
        if (maxSamplesPerSide < 2) {
            throw new IllegalArgumentException("maxSamplesPerSide must be >= 2, got " + maxSamplesPerSide);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        // The pooled kernel matrix is (n+m)² doubles and every permutation touches it all, so an uncapped window of
        // tens of thousands of rows would need gigabytes and minutes; a uniform random subsample keeps the test
        // valid, only less powerful.
        int[] xs = subsample(x.length, maxSamplesPerSide, rng);
        int[] ys = subsample(y.length, maxSamplesPerSide, rng);
        int n = xs.length;
        int m = ys.length;
        int total = n + m;
        if (total > MAX_POOLED) {
            throw new IllegalArgumentException("maxSamplesPerSide is too large: the pooled kernel matrix of " + total
                    + " rows would not fit in one array (limit " + MAX_POOLED + " rows)");
        }
        double[][] pooled = new double[total][];
        for (int i = 0; i < n; i++) pooled[i] = toDouble(x[xs[i]]);
        for (int i = 0; i < m; i++) pooled[n + i] = toDouble(y[ys[i]]);

        double[] kernel = squaredDistances(pooled, d);
        double sigma2 = medianHeuristic(kernel, total) / 2;
        // k(i, j) and k(j, i) are the same double, so each exp is taken once, on the lower triangle and the diagonal.
        for (int i = 0; i < total; i++) {
            for (int j = 0; j <= i; j++) {
                double k = Math.exp(-kernel[i * total + j] / (2 * sigma2));
                kernel[i * total + j] = k;
                kernel[j * total + i] = k;
            }
        }
        double offDiagonalSum = 0;
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < total; j++) {
                if (i != j) offDiagonalSum += kernel[i * total + j];
            }
        }

        double[] statistics = statistics(kernel, total, n, offDiagonalSum, permutations, rng);
        double observed = statistics[0];
        int atLeastAsExtreme = 0;
        for (int p = 1; p <= permutations; p++) {
            if (statistics[p] >= observed) atLeastAsExtreme++;
        }
        double pValue = (1.0 + atLeastAsExtreme) / (1.0 + permutations);
        return new Result(observed, pValue, Math.sqrt(sigma2), n, m);
    }

    /**
     * The unbiased MMD² of the observed labelling (rows [0, n) the first sample), then of {@code permutations}
     * relabellings, each a shuffle of the one before; the cross term is recovered from the off-diagonal total so only
     * the two within-sample blocks are summed.
     */
    static double[] statistics(double[] kernel, int total, int n, double offDiagonalSum, int permutations,
                               SplittableRandom rng) {
        int m = total - n;
        double[] out = new double[permutations + 1];
        int[] order = new int[total];
        for (int i = 0; i < total; i++) order[i] = i;
        boolean[] first = new boolean[total];
        int[][] labellings = new int[CHAINS][total];
        double[] xx = new double[CHAINS];
        double[] yy = new double[CHAINS];
        // The labellings are drawn in order and summed CHAINS at a time: each sum is one chain of dependent additions
        // in a fixed order, and side by side the chains overlap instead of each waiting out the adder's latency.
        for (int p0 = 0; p0 <= permutations; p0 += CHAINS) {
            int count = Math.min(CHAINS, permutations + 1 - p0);
            for (int c = 0; c < count; c++) {
                if (p0 + c > 0) shuffle(order, rng);
                // Sorting each side turns the indexed reads into forward scans of each kernel row, which caches far
                // better.
                sortSides(order, n, first);
                System.arraycopy(order, 0, labellings[c], 0, total);
            }
            withinSums(kernel, total, labellings, 0, n, xx);
            withinSums(kernel, total, labellings, n, total, yy);
            for (int c = 0; c < count; c++) {
                double xy = (offDiagonalSum - xx[c] - yy[c]) / 2;
                out[p0 + c] = xx[c] / ((double) n * (n - 1)) + yy[c] / ((double) m * (m - 1)) - 2 * xy / ((double) n * m);
            }
        }
        return out;
    }

    /**
     * For each of the {@link #CHAINS} labellings, the sum of k(i, j) over ordered pairs i ≠ j within
     * {@code order[from..to)}; a labelling past the last drawn one gives a sum nobody reads.
     */
    private static void withinSums(double[] kernel, int total, int[][] orders, int from, int to, double[] out) {
        int[] o0 = orders[0], o1 = orders[1], o2 = orders[2], o3 = orders[3];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int a = from; a < to; a++) {
            int r0 = o0[a] * total, r1 = o1[a] * total, r2 = o2[a] * total, r3 = o3[a] * total;
            for (int b = a + 1; b < to; b++) {
                s0 += kernel[r0 + o0[b]];
                s1 += kernel[r1 + o1[b]];
                s2 += kernel[r2 + o2[b]];
                s3 += kernel[r3 + o3[b]];
            }
        }
        out[0] = 2 * s0;
        out[1] = 2 * s1;
        out[2] = 2 * s2;
        out[3] = 2 * s3;
    }

    /**
     * Sorts {@code order[0..n)} and {@code order[n..)} ascending in linear time, which works because {@code order}
     * holds each row index once; {@code first} is all false on entry and on return.
     */
    private static void sortSides(int[] order, int n, boolean[] first) {
        for (int a = 0; a < n; a++) first[order[a]] = true;
        int x = 0;
        int y = n;
        for (int v = 0; v < order.length; v++) {
            if (first[v]) {
                order[x++] = v;
                first[v] = false;
            } else {
                order[y++] = v;
            }
        }
    }

    /** Row-major (total × total) matrix of squared Euclidean distances, filled below the diagonal (the rest 0). */
    static double[] squaredDistances(double[][] z, int d) {
        int total = z.length;
        double[] out = new double[total * total];
        Columns columns = new Columns(z, d);
        double[][] block = new double[Columns.BLOCK][total];
        for (int i0 = 0; i0 < total; i0 += Columns.BLOCK) {
            int end = Math.min(i0 + Columns.BLOCK, total);
            columns.squaredDistances(i0, 0, end, block);
            for (int i = i0; i < end; i++) System.arraycopy(block[i - i0], 0, out, i * total, i);
        }
        return out;
    }

    /**
     * Median of the squared distances below the diagonal of {@code sq} (the unordered pairs), with the fallbacks
     * documented on {@link #test}.
     */
    static double medianHeuristic(double[] sq, int total) {
        int pairs = total * (total - 1) / 2;
        double[] values = new double[pairs];
        int k = 0;
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < i; j++) values[k++] = sq[i * total + j];
        }
        // The values are finite sums of squares from +0.0, so they hold no NaN or −0.0, as Median needs.
        double median = Median.of(values);
        if (median > 0) return median;
        // The fallback sums the positive values in ascending order, as it always has.
        Arrays.sort(values);
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

    /** Indices of a uniform subsample without replacement of size min(size, cap), via a partial Fisher–Yates. */
    static int[] subsample(int size, int cap, SplittableRandom rng) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) idx[i] = i;
        if (size <= cap) return idx;
        for (int i = 0; i < cap; i++) {
            int j = i + rng.nextInt(size - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return Arrays.copyOf(idx, cap);
    }

    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double[] toDouble(float[] row) {
        double[] out = new double[row.length];
        for (int c = 0; c < row.length; c++) out[c] = row[c];
        return out;
    }
}
