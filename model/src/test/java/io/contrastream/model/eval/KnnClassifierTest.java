package io.contrastream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KnnClassifierTest {

    private static float[][] uniformRows(int n, int d, SplittableRandom rng) {
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int c = 0; c < d; c++) row[c] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    /** Rows near the positive axis of their class, with small noise. */
    private static float[][] clusters(int perClass, int numClasses, int d, int[] labelsOut, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[perClass * numClasses][d];
        for (int i = 0; i < x.length; i++) {
            int c = i % numClasses;
            labelsOut[i] = c;
            for (int j = 0; j < d; j++) x[i][j] = (float) rng.nextDouble(-0.1, 0.1);
            x[i][c] += 1 + (float) rng.nextDouble(0, 5);
        }
        return x;
    }

    @Test
    void separatedClustersAreClassifiedPerfectly() {
        int[] trainLabels = new int[90];
        int[] testLabels = new int[60];
        float[][] train = clusters(30, 3, 8, trainLabels, 1L);
        float[][] test = clusters(20, 3, 8, testLabels, 2L);
        assertEquals(1.0, KnnClassifier.accuracy(train, trainLabels, test, testLabels, 3, 5, KnnClassifier.DEFAULT_TEMPERATURE));
    }

    @Test
    void similarityWeightingOverridesTheMajority() {
        // One class-0 neighbour at cosine 1 against two class-1 neighbours at cosine 0.8.
        float[][] bank = {{2, 0}, {0.8f, 0.6f}, {0.8f, -0.6f}, {-1, 0}};
        int[] labels = {0, 1, 1, 0};
        float[] query = {1, 0};
        // exp(1 / 0.07) ≈ 1.6e6 beats 2·exp(0.8 / 0.07) ≈ 1.8e5.
        assertEquals(0, new KnnClassifier(bank, labels, 2, 3, 0.07).predict(query));
        // At T = 10 the weights are nearly equal (1.105 vs 2·1.083), so the two class-1 votes win.
        assertEquals(1, new KnnClassifier(bank, labels, 2, 3, 10).predict(query));
    }

    @Test
    void kLargerThanTheBankUsesEveryRow() {
        float[][] bank = {{1, 0}, {0.8f, 0.6f}, {0.8f, -0.6f}};
        int[] labels = {0, 1, 1};
        KnnClassifier big = new KnnClassifier(bank, labels, 2, 50, 10);
        assertEquals(1, big.predict(new float[] {1, 0}));
        assertEquals(new KnnClassifier(bank, labels, 2, 3, 10).predict(new float[] {1, 0.1f}), big.predict(new float[] {1, 0.1f}));
    }

    @Test
    void predictionsMatchBruteForceSortedNeighbours() {
        SplittableRandom rng = new SplittableRandom(3L);
        int d = 13;
        int classes = 4;
        float[][] bank = uniformRows(500, d, rng);
        int[] labels = new int[bank.length];
        for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(classes);
        float[][] queries = uniformRows(200, d, rng);
        int k = 20;
        double t = 0.1;
        KnnClassifier knn = new KnnClassifier(bank, labels, classes, k, t);
        int[] expected = new int[queries.length];
        for (int q = 0; q < queries.length; q++) {
            final float[] query = queries[q];
            Integer[] order = new Integer[bank.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, Comparator.comparingDouble(i -> -cosine(query, bank[i])));
            double[] w = new double[classes];
            for (int j = 0; j < k; j++) w[labels[order[j]]] += Math.exp(cosine(query, bank[order[j]]) / t);
            int best = 0;
            for (int c = 1; c < classes; c++) if (w[c] > w[best]) best = c;
            expected[q] = best;
            assertEquals(best, knn.predict(query), "query " + q);
        }
        double agree = 0;
        for (int q = 0; q < queries.length; q++) if (expected[q] == labels[q]) agree++;
        assertEquals(agree / queries.length, knn.accuracy(queries, Arrays.copyOf(labels, queries.length)), 1e-15);
    }

    @Test
    void ignoresVectorScaleAndLaterChangesToTheInputBank() {
        float[][] bank = {{1, 0}, {0, 1}};
        int[] labels = {0, 1};
        KnnClassifier knn = new KnnClassifier(bank, labels, 2, 1, 0.07);
        bank[0][0] = -1;
        labels[1] = 0;
        assertEquals(0, knn.predict(new float[] {100, 1}));
        assertEquals(1, knn.predict(new float[] {0.001f, 0.01f}));
    }

    @Test
    void tinyTemperatureDoesNotOverflowTheVote() {
        float[][] bank = {{1, 0}, {0.9f, 0.1f}, {0.9f, -0.1f}};
        assertEquals(0, new KnnClassifier(bank, new int[] {0, 1, 1}, 2, 3, 1e-4).predict(new float[] {1, 0}));
    }

    @Test
    void rejectsInvalidArguments() {
        float[][] bank = {{1, 0}, {0, 1}};
        int[] labels = {0, 1};
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier(bank, new int[] {0, 2}, 2, 1, 0.07));
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier(bank, new int[] {0}, 2, 1, 0.07));
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier(bank, labels, 2, 0, 0.07));
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier(bank, labels, 2, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier(new float[0][], new int[0], 2, 1, 0.07));
        KnnClassifier knn = new KnnClassifier(bank, labels, 2, 1, 0.07);
        assertThrows(IllegalArgumentException.class, () -> knn.predict(new float[] {1, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> knn.accuracy(new float[][] {{1, 0}}, new int[] {0, 1}));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
