package io.contrastream.model.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HealthMetricsTest {

    private static double[] unit(float[] row) {
        double n = 0;
        for (float v : row) n += (double) v * v;
        n = Math.sqrt(n);
        double[] u = new double[row.length];
        for (int i = 0; i < row.length; i++) u[i] = row[i] / n;
        return u;
    }

    private static double sqDist(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }

    @Test
    void alignmentIsZeroForScaledCopiesAndFourForOppositeRows() {
        float[][] q = {{1, 2, 3}, {-1, 0, 4}};
        float[][] scaled = {{2, 4, 6}, {-0.5f, 0, 2}};
        float[][] opposite = {{-1, -2, -3}, {1, 0, -4}};
        assertEquals(0, HealthMetrics.alignment(q, scaled), 1e-12);
        assertEquals(4, HealthMetrics.alignment(q, opposite), 1e-12);
    }

    @Test
    void alignmentMatchesDirectFormulaOnRandomPairs() {
        float[][] q = Fixtures.gaussianRows(50, 8, 0, 1L);
        float[][] k = Fixtures.gaussianRows(50, 8, 0, 2L);
        double expected = 0;
        for (int i = 0; i < q.length; i++) expected += sqDist(unit(q[i]), unit(k[i]));
        assertEquals(expected / q.length, HealthMetrics.alignment(q, k), 1e-12);
    }

    @Test
    void uniformityOfTwoAntipodalPointsIsMinusEight() {
        assertEquals(-8, HealthMetrics.uniformity(new float[][] {{3, 0}, {-1, 0}}), 1e-12);
    }

    @Test
    void uniformityIsZeroWhenCollapsedAndMatchesNaiveLogMeanExp() {
        assertEquals(0, HealthMetrics.uniformity(new float[][] {{1, 1}, {2, 2}, {5, 5}}), 1e-12);
        float[][] z = Fixtures.gaussianRows(60, 5, 0, 3L);
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < z.length; i++) {
            for (int j = i + 1; j < z.length; j++) {
                sum += Math.exp(-2 * sqDist(unit(z[i]), unit(z[j])));
                pairs++;
            }
        }
        double u = HealthMetrics.uniformity(z);
        assertEquals(Math.log(sum / pairs), u, 1e-12);
        assertTrue(u < -1, "spread rows should give clearly negative uniformity, got " + u);
    }

    @Test
    void collapseStdMatchesClosedFormOnAntipodalRows() {
        // Normalised rows are (1,0) and (-1,0): per-dimension stds 1 and 0.
        assertEquals(0.5, HealthMetrics.collapseStd(new float[][] {{2, 0}, {-5, 0}}), 1e-12);
    }

    @Test
    void collapseStdSeparatesCollapsedFromIsotropicEmbeddings() {
        int d = 64;
        float[][] healthy = Fixtures.gaussianRows(2000, d, 0, 4L);
        assertEquals(1 / Math.sqrt(d), HealthMetrics.collapseStd(healthy), 0.005);
        float[][] collapsed = new float[100][d];
        for (int i = 0; i < collapsed.length; i++) {
            for (int c = 0; c < d; c++) collapsed[i][c] = (i + 1) * (c % 3 - 1);
        }
        assertEquals(0, HealthMetrics.collapseStd(collapsed), 1e-7);
    }

    @Test
    void effectiveRankCountsEquallyWeightedOrthogonalDirections() {
        float[][] z = {{1, 0, 0, 0, 0}, {-1, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, -1, 0, 0, 0}, {0, 0, 1, 0, 0}, {0, 0, -1, 0, 0}};
        assertEquals(3, HealthMetrics.effectiveRank(z), 1e-9);
    }

    @Test
    void effectiveRankIsOneForRankOneDataAndZeroForIdenticalRows() {
        float[][] line = new float[20][6];
        for (int i = 0; i < line.length; i++) {
            for (int c = 0; c < 6; c++) line[i][c] = (float) ((i - 3) * (c + 1) + 7);
        }
        assertEquals(1, HealthMetrics.effectiveRank(line), 1e-6);
        assertEquals(0, HealthMetrics.effectiveRank(new float[][] {{1, 2}, {1, 2}, {1, 2}}));
    }

    @Test
    void effectiveRankMatchesPlantedSingularValuesInBothShapes() {
        double[] sigma = {5, 3, 2, 1, 0.5};
        assertEquals(entropyRank(sigma), HealthMetrics.effectiveRank(planted(40, 6, sigma, 7L)), 1e-5);
        assertEquals(entropyRank(sigma), HealthMetrics.effectiveRank(planted(6, 40, sigma, 8L)), 1e-5);
    }

    private static double entropyRank(double[] sigma) {
        double total = 0;
        for (double s : sigma) total += s;
        double h = 0;
        for (double s : sigma) h -= s / total * Math.log(s / total);
        return Math.exp(h);
    }

    /** U diag(σ) Vᵀ with U's columns orthogonal to the all-ones vector, so centring leaves the matrix unchanged. */
    private static float[][] planted(int n, int d, double[] sigma, long seed) {
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1);
        double[][] u = Fixtures.orthonormalColumns(n, ones, seed);
        double[][] v = Fixtures.orthonormalColumns(d, null, seed + 100);
        float[][] z = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double s = 0;
                for (int r = 0; r < sigma.length; r++) s += u[r + 1][i] * sigma[r] * v[r][c];
                z[i][c] = (float) s;
            }
        }
        return z;
    }

    @Test
    void meanShiftIsTheDistanceBetweenCentroids() {
        float[][] a = {{1, 1}, {-1, -1}};
        float[][] b = {{2, 3}, {4, 5}, {3, 4}};
        assertEquals(5, HealthMetrics.meanShift(a, b), 1e-12);
    }

    @Test
    void meanCosineIgnoresScaleAndAveragesRows() {
        float[][] a = {{1, 0}, {0, 2}, {3, 3}};
        float[][] b = {{5, 0}, {1, 0}, {-1, -1}};
        assertEquals((1 + 0 - 1) / 3.0, HealthMetrics.meanCosine(a, b), 1e-12);
        assertEquals(0, HealthMetrics.meanCosine(new float[][] {{0, 0}}, new float[][] {{1, 0}}), 1e-12);
    }

    @Test
    void rejectsBadShapesWithTheArgumentName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HealthMetrics.alignment(new float[][] {{1, 2}}, new float[][] {{1, 2, 3}}));
        assertTrue(e.getMessage().contains("k"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HealthMetrics.uniformity(new float[][] {{1, 2}}));
        assertTrue(e.getMessage().startsWith("z"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HealthMetrics.effectiveRank(new float[][] {{1, 2}, {1}}));
        assertThrows(IllegalArgumentException.class, () -> HealthMetrics.meanShift(new float[][] {{1, 2}}, new float[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> HealthMetrics.collapseStd(new float[][] {{1, Float.NaN}, {1, 1}}));
        assertThrows(IllegalArgumentException.class, () -> HealthMetrics.meanCosine(null, new float[][] {{1}}));
    }
}
