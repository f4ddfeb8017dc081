package io.contrastream.model.drift;

import java.util.Arrays;

/**
 * A matrix's rows also stored column by column, so that sums over columns between its rows run element-wise over
 * many rows at once.
 *
 * <p>Each result is still its own sum over the columns in ascending order starting from 0, the same double as the
 * row-by-row loop gives; but that loop is a chain of dependent additions that C2 does not vectorise (it keeps their
 * order), while here the innermost loop updates many independent sums and does. {@link #BLOCK} rows share each pass
 * over the transposed copy, which would otherwise be read from memory once per row.
 */
final class Columns {

    /** Rows computed together; callers pass {@code out} arrays of this many rows. */
    static final int BLOCK = 4;

    private final int n;
    /** t[c][j] = x[j][c], plus a zero column if d is odd, which changes no sum (they start from +0.0, never −0.0). */
    private final double[][] t;

    Columns(double[][] x, int d) {
        n = x.length;
        t = new double[d + d % 2][n];
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < d; c++) t[c][j] = x[j][c];
        }
    }

    /**
     * out[r][j] = Σ_c (x[i0 + r][c] − x[j][c])² for r &lt; {@link #BLOCK} and j in [from, to); rows past the last
     * (i0 + r ≥ n) get values the caller ignores.
     */
    void squaredDistances(int i0, int from, int to, double[][] out) {
        accumulate(i0, from, to, out, true);
    }

    /** out[r][j] = Σ_c x[i0 + r][c]·x[j][c] for r &lt; {@link #BLOCK} and j in [from, to), as {@link #squaredDistances}. */
    void dots(int i0, int from, int to, double[][] out) {
        accumulate(i0, from, to, out, false);
    }

    /** Two columns per pass, each sum taking them in order ((s + term c) + term c+1), so half the loads and stores. */
    private void accumulate(int i0, int from, int to, double[][] out, boolean differences) {
        double[] o0 = out[0], o1 = out[1], o2 = out[2], o3 = out[3];
        int last = n - 1;
        int r0 = Math.min(i0, last), r1 = Math.min(i0 + 1, last), r2 = Math.min(i0 + 2, last), r3 = Math.min(i0 + 3, last);
        for (double[] o : out) Arrays.fill(o, from, to, 0);
        for (int c = 0; c < t.length; c += 2) {
            double[] tc = t[c], td = t[c + 1];
            double b0 = tc[r0], b1 = tc[r1], b2 = tc[r2], b3 = tc[r3];
            double g0 = td[r0], g1 = td[r1], g2 = td[r2], g3 = td[r3];
            if (differences) {
                for (int j = from; j < to; j++) {
                    double v = tc[j], w = td[j];
                    double e0 = b0 - v, e1 = b1 - v, e2 = b2 - v, e3 = b3 - v;
                    double f0 = g0 - w, f1 = g1 - w, f2 = g2 - w, f3 = g3 - w;
                    o0[j] = o0[j] + e0 * e0 + f0 * f0;
                    o1[j] = o1[j] + e1 * e1 + f1 * f1;
                    o2[j] = o2[j] + e2 * e2 + f2 * f2;
                    o3[j] = o3[j] + e3 * e3 + f3 * f3;
                }
            } else {
                for (int j = from; j < to; j++) {
                    double v = tc[j], w = td[j];
                    o0[j] = o0[j] + b0 * v + g0 * w;
                    o1[j] = o1[j] + b1 * v + g1 * w;
                    o2[j] = o2[j] + b2 * v + g2 * w;
                    o3[j] = o3[j] + b3 * v + g3 * w;
                }
            }
        }
    }
}
