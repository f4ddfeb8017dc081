package io.contrastream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    /** n rows of 3 Gaussian classes in d dimensions, means `gap` apart. */
    static float[][] data(int n, int d, double gap, long seed, int[] labels) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < d; j++) x[i][j] = (float) (rng.nextGaussian() + (j % 3 == labels[i] ? gap : 0));
        }
        return x;
    }

    @Test
    void blockwiseKnnAgreesWithTheReferenceKnn() {
        int[] ytr = new int[600];
        int[] yte = new int[300];
        float[][] tr = data(600, 12, 0.8, 1, ytr);
        float[][] te = data(300, 12, 0.8, 2, yte);
        double[] acc = Evaluation.knn(tr, ytr, te, yte, 3, new int[] {200, 20}, 0.07);
        assertEquals(KnnClassifier.accuracy(tr, ytr, te, yte, 3, 200, 0.07), acc[0], 1e-9);
        assertEquals(KnnClassifier.accuracy(tr, ytr, te, yte, 3, 20, 0.07), acc[1], 1e-9);
    }

    @Test
    void aLinearProbeSeparatesLinearlySeparableClassesAndIsSeeded() {
        int[] ytr = new int[900];
        int[] yte = new int[300];
        float[][] tr = data(900, 9, 3.0, 3, ytr);
        float[][] te = data(300, 9, 3.0, 4, yte);
        double a = Evaluation.linearProbe(tr, ytr, te, yte, 3, 30, 7);
        assertTrue(a > 0.95, "accuracy " + a);
        assertEquals(a, Evaluation.linearProbe(tr, ytr, te, yte, 3, 30, 7), 0.0, "same seed, same result");
        double chance = Evaluation.linearProbe(tr, new int[900], te, yte, 3, 5, 7);
        assertTrue(chance < 0.5, "constant labels cannot beat chance much: " + chance);
    }

    @Test
    void reportsProgressUpToTheWholeWork() {
        int[] ytr = new int[600];
        int[] yte = new int[300];
        float[][] tr = data(600, 6, 1.0, 5, ytr);
        float[][] te = data(300, 6, 1.0, 6, yte);
        java.util.List<Long> knn = new java.util.ArrayList<>();
        Evaluation.knn(tr, ytr, te, yte, 3, new int[] {20}, 0.07, knn::add);
        assertEquals(java.util.List.of(256L, 300L), knn, "one report per block of 256 queries");
        java.util.List<Long> probe = new java.util.ArrayList<>();
        double a = Evaluation.linearProbe(tr, ytr, te, yte, 3, 2, 7, probe::add);
        assertEquals(java.util.List.of(256L, 512L, 600L, 856L, 1112L, 1200L), probe, "samples trained on, epoch after epoch");
        assertEquals(Evaluation.linearProbe(tr, ytr, te, yte, 3, 2, 7), a, 0.0, "watching does not change the result");
    }
}
