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

    private final double[][] x;
    private final double[][] t;   // t[c][j] = x[j][c]

    Columns(double[][] x, int d) {
        this.x = x;
        t = new double[d][x.length];
        for (int j = 0; j < x.length; j++) {
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

    private void accumulate(int i0, int from, int to, double[][] out, boolean differences) {
        double[] o0 = out[0], o1 = out[1], o2 = out[2], o3 = out[3];
        double[] a0 = row(i0), a1 = row(i0 + 1), a2 = row(i0 + 2), a3 = row(i0 + 3);
        for (double[] o : out) Arrays.fill(o, from, to, 0);
        for (int c = 0; c < t.length; c++) {
            double[] tc = t[c];
            double b0 = a0[c], b1 = a1[c], b2 = a2[c], b3 = a3[c];
            if (differences) {
                for (int j = from; j < to; j++) {
                    double v = tc[j];
                    double e0 = b0 - v, e1 = b1 - v, e2 = b2 - v, e3 = b3 - v;
                    o0[j] += e0 * e0;
                    o1[j] += e1 * e1;
                    o2[j] += e2 * e2;
                    o3[j] += e3 * e3;
                }
            } else {
                for (int j = from; j < to; j++) {
                    double v = tc[j];
                    o0[j] += b0 * v;
                    o1[j] += b1 * v;
                    o2[j] += b2 * v;
                    o3[j] += b3 * v;
                }
            }
        }
    }

    private double[] row(int i) {
        return x[Math.min(i, x.length - 1)];
    }
}
