package io.contrastream.model.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussiansTest {

    @Test
    void theInverseCdfMatchesKnownQuantiles() {
        assertEquals(0, Gaussians.inverseNormal(0.5), 1e-12);
        assertEquals(1.959963984540054, Gaussians.inverseNormal(0.975), 1e-8);
        assertEquals(-2.326347874040841, Gaussians.inverseNormal(0.01), 1e-8);
        assertEquals(3.090232306167813, Gaussians.inverseNormal(0.999), 1e-8);
    }

    @Test
    void drawsAreStandardNormalTruncatedAtTheOutermostQuantile() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 2_000_000;
        double sum = 0, squares = 0, max = 0;
        int within1 = 0, within2 = 0;
        for (int i = 0; i < n; i++) {
            double z = Gaussians.of(random.nextLong());
            sum += z;
            squares += z * z;
            max = Math.max(max, Math.abs(z));
            if (Math.abs(z) < 1) within1++;
            if (Math.abs(z) < 2) within2++;
        }
        assertEquals(0, sum / n, 0.003);
        assertEquals(0.996, squares / n, 0.004);
        assertEquals(0.6827, within1 / (double) n, 0.002);
        assertEquals(0.9545, within2 / (double) n, 0.001);
        assertTrue(max < 3.7, "truncated at ±3.67σ, got " + max);
    }

    @Test
    void theMaskBitsAreIndependentOfTheNoiseBits() {
        SplittableRandom random = new SplittableRandom(12);
        long threshold = Gaussians.threshold(0.2);
        int n = 1_000_000, masked = 0;
        double keptSquares = 0;
        for (int i = 0; i < n; i++) {
            long r = random.nextLong();
            if (Gaussians.below(r, threshold)) {
                masked++;
            } else {
                double z = Gaussians.of(r);
                keptSquares += z * z;
            }
        }
        assertEquals(0.2, masked / (double) n, 0.002);
        assertEquals(0.996, keptSquares / (n - masked), 0.005, "the kept features' noise is unchanged by the mask");
        assertEquals(0, Gaussians.threshold(0));
        assertTrue(Gaussians.below(-1L, Gaussians.threshold(1)), "p = 1 masks every draw, the largest too");
    }
}
