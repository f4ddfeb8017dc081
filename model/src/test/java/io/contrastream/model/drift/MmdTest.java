package io.contrastream.model.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MmdTest {

    @Test
    void mmdAcceptsSamplesFromTheSameDistribution() {
        float[][] x = Fixtures.gaussianRows(100, 5, 0, 21L);
        float[][] y = Fixtures.gaussianRows(100, 5, 0, 22L);
        Mmd.Result r = Mmd.test(x, y, 300, 1000, 7L);
        assertTrue(r.pValue() > 0.05, "p = " + r.pValue());
        assertEquals(100, r.n());
        assertEquals(100, r.m());
    }

    @Test
    void mmdDetectsMeanShift() {
        float[][] x = Fixtures.gaussianRows(100, 5, 0, 23L);
        float[][] y = Fixtures.gaussianRows(100, 5, 0.7, 24L);
        Mmd.Result r = Mmd.test(x, y, 300, 1000, 7L);
        assertTrue(r.pValue() < 0.01, "p = " + r.pValue());
        assertEquals(1.0 / 301, r.pValue(), 1e-15);
        assertTrue(r.mmd2() > 0.05, "mmd2 = " + r.mmd2());
    }

    @Test
    void statisticAndBandwidthMatchBruteForce() {
        float[][] x = Fixtures.gaussianRows(7, 3, 0, 25L);
        float[][] y = Fixtures.gaussianRows(9, 3, 0.5, 26L);
        Mmd.Result r = Mmd.test(x, y, 0, 100, 1L);

        float[][] pooled = new float[16][];
        System.arraycopy(x, 0, pooled, 0, 7);
        System.arraycopy(y, 0, pooled, 7, 9);
        double[] d2 = new double[16 * 15 / 2];
        int p = 0;
        for (int i = 0; i < 16; i++) {
            for (int j = i + 1; j < 16; j++) d2[p++] = sq(pooled[i], pooled[j]);
        }
        Arrays.sort(d2);
        // 120 pairs: the median is the mean of the 60th and 61st smallest.
        double sigma2 = (d2[59] + d2[60]) / 2 / 2;
        assertEquals(Math.sqrt(sigma2), r.bandwidth(), 1e-12);

        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) if (i != j) xx += k(x[i], x[j], sigma2);
        }
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) if (i != j) yy += k(y[i], y[j], sigma2);
        }
        for (float[] a : x) {
            for (float[] b : y) xy += k(a, b, sigma2);
        }
        double expected = xx / (7 * 6) + yy / (9 * 8) - 2 * xy / (7 * 9);
        assertEquals(expected, r.mmd2(), 1e-12);
        assertEquals(1.0, r.pValue());
    }

    @Test
    void statisticIsSymmetricInTheTwoSamples() {
        float[][] x = Fixtures.gaussianRows(30, 4, 0, 27L);
        float[][] y = Fixtures.gaussianRows(20, 4, 0.3, 28L);
        assertEquals(Mmd.test(x, y, 0, 100, 1L).mmd2(), Mmd.test(y, x, 0, 100, 1L).mmd2(), 1e-12);
    }

    @Test
    void subsamplingIsCappedAndDeterministicUnderTheSeed() {
        float[][] x = Fixtures.gaussianRows(500, 4, 0, 29L);
        float[][] y = Fixtures.gaussianRows(300, 4, 0.2, 30L);
        Mmd.Result a = Mmd.test(x, y, 50, 64, 99L);
        Mmd.Result b = Mmd.test(x, y, 50, 64, 99L);
        Mmd.Result c = Mmd.test(x, y, 50, 64, 100L);
        assertEquals(a, b);
        assertEquals(64, a.n());
        assertEquals(64, a.m());
        assertNotEquals(a.mmd2(), c.mmd2());
    }

    @Test
    void subsampleDrawsEachRowAtMostOnce() {
        // Rows are distinct one-hot vectors, so any repeated draw would create a zero pairwise distance.
        int n = 40;
        float[][] x = new float[n][2 * n];
        float[][] y = new float[n][2 * n];
        for (int i = 0; i < n; i++) {
            x[i][i] = 1;
            y[i][n + i] = 1;
        }
        Mmd.Result r = Mmd.test(x, y, 0, 10, 5L);
        // Without repeats every off-diagonal kernel entry is exp(-2 / 2) with σ² = 1, so MMD² is exactly 0; a
        // repeated row would add within-sample entries of 1 and make it positive.
        assertEquals(10, r.n());
        assertEquals(1.0, r.bandwidth(), 1e-12);
        assertEquals(0.0, r.mmd2(), 1e-12);
    }

    @Test
    void fallsBackWhenMostPairsAreDuplicates() {
        float[][] x = new float[10][2];
        float[][] y = new float[10][2];
        y[0][0] = 3;
        Mmd.Result r = Mmd.test(x, y, 20, 100, 1L);
        // Only the 19 pairs involving y[0] are non-zero, all at squared distance 9: σ² = 9 / 2.
        assertEquals(Math.sqrt(4.5), r.bandwidth(), 1e-12);
        assertTrue(Double.isFinite(r.mmd2()));

        Mmd.Result same = Mmd.test(new float[4][3], new float[5][3], 20, 100, 1L);
        assertEquals(1.0, same.bandwidth());
        assertEquals(0.0, same.mmd2(), 1e-15);
        assertEquals(1.0, same.pValue());
    }

    @Test
    void rejectsInvalidArguments() {
        float[][] ok = Fixtures.gaussianRows(5, 3, 0, 1L);
        assertThrows(IllegalArgumentException.class, () -> Mmd.test(new float[][] {{1, 2, 3}}, ok, 10, 100, 1L));
        assertThrows(IllegalArgumentException.class, () -> Mmd.test(ok, Fixtures.gaussianRows(5, 2, 0, 1L), 10, 100, 1L));
        assertThrows(IllegalArgumentException.class, () -> Mmd.test(ok, ok, -1, 100, 1L));
        assertThrows(IllegalArgumentException.class, () -> Mmd.test(ok, ok, 10, 1, 1L));
    }

    private static double sq(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        return s;
    }

    private static double k(float[] a, float[] b, double sigma2) {
        return Math.exp(-sq(a, b) / (2 * sigma2));
    }
}
