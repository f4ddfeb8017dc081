package io.contrastream.model.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProcrustesTest {

    static float[][] gaussian(long seed, int n, int e) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[n][e];
        for (float[] row : x) for (int j = 0; j < e; j++) row[j] = (float) rng.nextGaussian();
        return x;
    }

    static void assertOrthogonal(float[] r, int e) {
        for (int i = 0; i < e; i++) {
            for (int j = 0; j < e; j++) {
                double dot = 0;
                for (int k = 0; k < e; k++) dot += (double) r[k * e + i] * r[k * e + j];
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-4, "RᵀR at " + i + "," + j);
            }
        }
    }

    @Test
    void recoversARotationFromRowsOnBothSides() {
        int e = 12;
        float[] q = Procrustes.fit(gaussian(1, 50, e), gaussian(2, 50, e));   // some orthogonal matrix
        assertOrthogonal(q, e);
        float[][] a = gaussian(3, 200, e);
        float[][] b = new float[a.length][];
        for (int i = 0; i < a.length; i++) b[i] = Procrustes.apply(a[i], q);
        float[] r = Procrustes.fit(a, b);
        for (int i = 0; i < e * e; i++) assertEquals(q[i], r[i], 1e-4, "entry " + i);
    }

    @Test
    void staysOrthogonalWhenTheAnchorsSpanFewerDimensionsThanTheWidth() {
        int e = 16;
        float[][] a = gaussian(4, 300, e);
        for (float[] row : a) for (int j = 8; j < e; j++) row[j] = 0;   // dead units, as ReLU embeddings have
        float[] r = Procrustes.fit(a, gaussian(5, 300, e));
        assertOrthogonal(r, e);
    }
}
