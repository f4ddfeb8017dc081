package io.contrastream.pipeline.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.drift.SymmetricEigen;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {

    /** Rows with variances 9, 4, 1, 0.25, ... along the axes of a random rotation, plus an offset. */
    private static float[][] rotatedGaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] rotation = randomRotation(d, r);
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int c = 0; c < d; c++) z[c] = r.nextGaussian() * 3 / Math.pow(1.5, c);
            for (int j = 0; j < d; j++) {
                double v = 5;   // an offset the PCA must remove
                for (int c = 0; c < d; c++) v += rotation[c][j] * z[c];
                rows[i][j] = (float) v;
            }
        }
        return rows;
    }

    private static double[][] randomRotation(int d, Random r) {
        double[][] q = new double[d][d];
        for (int c = 0; c < d; c++) {
            for (int j = 0; j < d; j++) q[c][j] = r.nextGaussian();
            for (int b = 0; b < c; b++) {
                double p = 0;
                for (int j = 0; j < d; j++) p += q[c][j] * q[b][j];
                for (int j = 0; j < d; j++) q[c][j] -= p * q[b][j];
            }
            double norm = 0;
            for (int j = 0; j < d; j++) norm += q[c][j] * q[c][j];
            for (int j = 0; j < d; j++) q[c][j] /= Math.sqrt(norm);
        }
        return q;
    }

    /** The sample covariance, formed explicitly: the brute-force reference. */
    private static double[][] covariance(float[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        double[] mean = new double[d];
        for (float[] row : rows) for (int j = 0; j < d; j++) mean[j] += row[j] / (double) n;
        double[][] c = new double[d][d];
        for (float[] row : rows) {
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) c[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / (n - 1);
        }
        return c;
    }

    @Test
    void theTopTwoVariancesAreTheCovariancesLargestEigenvalues() {
        float[][] rows = rotatedGaussian(2000, 24, 1);
        double[][] cov = covariance(rows);
        double[] eigen = SymmetricEigen.eigenvalues(cov);
        Pca.Result pca = Pca.project(rows, 2, 3);

        assertEquals(eigen[eigen.length - 1], pca.variance()[0], 1e-6 * eigen[eigen.length - 1]);
        assertEquals(eigen[eigen.length - 2], pca.variance()[1], 1e-6 * eigen[eigen.length - 1]);
        double trace = 0;
        for (int j = 0; j < cov.length; j++) trace += cov[j][j];
        assertEquals(trace, pca.total(), 1e-6 * trace);
        assertEquals(eigen[eigen.length - 1] / trace, pca.explained(0), 1e-6);
    }

    @Test
    void componentsAreOrthonormalEigenvectorsAndCoordinatesAreCentredProjections() {
        float[][] rows = rotatedGaussian(1500, 10, 2);
        double[][] cov = covariance(rows);
        Pca.Result pca = Pca.project(rows, 2, 5);
        double[][] v = pca.components();
        assertEquals(1, dot(v[0], v[0]), 1e-9);
        assertEquals(1, dot(v[1], v[1]), 1e-9);
        assertEquals(0, dot(v[0], v[1]), 1e-9);
        for (int c = 0; c < 2; c++) {   // C v = lambda v
            double[] cv = new double[v[c].length];
            for (int a = 0; a < cv.length; a++) for (int b = 0; b < cv.length; b++) cv[a] += cov[a][b] * v[c][b];
            for (int a = 0; a < cv.length; a++) assertEquals(pca.variance()[c] * v[c][a], cv[a], 1e-5);
        }
        double[] mean = new double[2];
        for (double[] xy : pca.coords()) {
            mean[0] += xy[0] / rows.length;
            mean[1] += xy[1] / rows.length;
        }
        assertEquals(0, mean[0], 1e-6);
        assertEquals(0, mean[1], 1e-6);
    }

    @Test
    void pointsOnALineLieOnTheFirstComponent() {
        float[][] rows = new float[300][];
        for (int i = 0; i < rows.length; i++) {
            float t = i - 150;
            rows[i] = new float[] {2 * t + 1, -t, 3 * t, 7};
        }
        Pca.Result pca = Pca.project(rows, 2, 9);
        assertEquals(1, pca.explained(0), 1e-9);
        assertEquals(0, pca.variance()[1], 1e-6);
        double[] direction = {2 / Math.sqrt(14), -1 / Math.sqrt(14), 3 / Math.sqrt(14), 0};
        assertEquals(1, dot(direction, pca.components()[0]), 1e-9, "the largest entry (3) comes out positive");
    }

    @Test
    void theSameRowsGiveTheSameMapWhateverTheSeed() {
        float[][] rows = rotatedGaussian(500, 16, 4);
        Pca.Result a = Pca.project(rows, 2, 1);
        Pca.Result b = Pca.project(rows, 2, 12345);
        for (int i = 0; i < rows.length; i++) assertArrayEquals(a.coords()[i], b.coords()[i], 1e-6);
    }

    @Test
    void aWarmStartFromThePreviousComponentsGivesTheSameMap() {
        float[][] rows = rotatedGaussian(800, 12, 6);
        Pca.Result cold = Pca.project(rows, 2, 1);
        Pca.Result warm = Pca.project(rows, 2, 1, cold.components());
        for (int i = 0; i < rows.length; i++) assertArrayEquals(cold.coords()[i], warm.coords()[i], 1e-6);
        Pca.Result misfit = Pca.project(rows, 2, 1, new double[2][5]);   // another width: ignored
        for (int i = 0; i < rows.length; i++) assertArrayEquals(cold.coords()[i], misfit.coords()[i], 1e-6);
    }

    @Test
    void degenerateInputsGiveZerosNotNaNs() {
        Pca.Result none = Pca.project(new float[0][], 2, 1);
        assertEquals(0, none.coords().length);
        Pca.Result same = Pca.project(new float[][] {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}}, 2, 1);
        for (double[] xy : same.coords()) assertArrayEquals(new double[] {0, 0}, xy, 0);
        assertEquals(0, same.explained(0));
        Pca.Result narrow = Pca.project(new float[][] {{1}, {2}, {4}}, 2, 1);
        assertEquals(1, narrow.coords()[0].length, "no more components than dimensions");
        assertTrue(narrow.explained(0) > 0.999);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }
}
