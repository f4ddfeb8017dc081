package io.contrastream.model.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorAugmenterTest {

    @Test
    void quietSettingsReturnAnEqualCopy() {
        float[] x = {1.5f, -2f, 0f, 3.25f};
        float[] y = new VectorAugmenter(4, Quiet.builder().build()).apply(x, new SplittableRandom(1));
        assertArrayEquals(x, y);
        assertFalse(x == y, "must return a new array");
    }

    @Test
    void maskingRateMatchesFeatureMaskProb() {
        int d = 100_000;
        float[] x = new float[d];
        Arrays.fill(x, 1f);
        AugmentConfig cfg = Quiet.builder().featureMaskProb(0.2).build();
        float[] y = new VectorAugmenter(d, cfg).apply(x, new SplittableRandom(7));
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1f, v, "unmasked features must be untouched at strength 0");
            }
        }
        // The binomial std of the rate is 0.0013 here, so 0.01 is a ~8 sigma band.
        assertEquals(0.2, zeros / (double) d, 0.01);
    }

    @Test
    void globalScaleIsOneFactorWithinScaleRange() {
        float[] x = {1f, 2f, -4f, 8f, 0.5f};
        AugmentConfig cfg = Quiet.builder().strength(1).vectorNoiseStd(0).scaleRange(0.8, 1.2).build();
        VectorAugmenter a = new VectorAugmenter(5, cfg);
        SplittableRandom rng = new SplittableRandom(3);
        boolean sawNonUnit = false;
        for (int trial = 0; trial < 50; trial++) {
            float[] y = a.apply(x, rng);
            double factor = y[0] / x[0];
            assertTrue(factor >= 0.8 - 1e-6 && factor <= 1.2 + 1e-6, "factor " + factor);
            for (int i = 1; i < x.length; i++) {
                assertEquals(factor, y[i] / x[i], 1e-6, "all features share one factor");
            }
            sawNonUnit |= Math.abs(factor - 1) > 1e-3;
        }
        assertTrue(sawNonUnit);
    }

    @Test
    void noiseStdMatchesVectorNoiseStdTimesStrength() {
        int d = 50_000;
        AugmentConfig cfg = Quiet.builder().strength(2).scaleRange(1, 1).vectorNoiseStd(0.1).build();
        float[] y = new VectorAugmenter(d, cfg).apply(new float[d], new SplittableRandom(11));
        double sq = 0;
        for (float v : y) {
            sq += v * v;
        }
        assertEquals(0.2, Math.sqrt(sq / d), 0.005);
    }

    @Test
    void mildViewsStayCloseInMean() {
        int d = 512;
        SplittableRandom data = new SplittableRandom(5);
        float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (3 + data.nextGaussian());
        }
        AugmentConfig mild = AugmentConfig.builder().strength(0.5).featureMaskProb(0.02).build();
        TwoViews p = Augmenters.twoViews(new VectorAugmenter(d, mild), x, new SplittableRandom(9));
        assertFalse(Arrays.equals(p.first(), p.second()));
        double m = Quiet.mean(x);
        assertEquals(m, Quiet.mean(p.first()), 0.15 * m);
        assertEquals(m, Quiet.mean(p.second()), 0.15 * m);
    }

    @Test
    void rejectsWrongLengthAndNonFiniteInput() {
        VectorAugmenter a = new VectorAugmenter(3, AugmentConfig.defaults());
        SplittableRandom rng = new SplittableRandom(1);
        IllegalArgumentException len =
                assertThrows(IllegalArgumentException.class, () -> a.apply(new float[4], rng));
        assertEquals("x.length must be 3 for shape [3], got 4", len.getMessage());
        IllegalArgumentException nan = assertThrows(
                IllegalArgumentException.class, () -> a.apply(new float[] {0, Float.NaN, 0}, rng));
        assertEquals("x[1] must be finite, got NaN", nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.apply(new float[3], null));
        assertThrows(IllegalArgumentException.class, () -> new VectorAugmenter(0, AugmentConfig.defaults()));
    }

    @Test
    void hugeValuesSaturateInsteadOfOverflowing() {
        float[] x = {Float.MAX_VALUE, -Float.MAX_VALUE};
        AugmentConfig cfg = Quiet.builder().strength(2).scaleRange(1.2, 1.2).build();
        float[] y = new VectorAugmenter(2, cfg).apply(x, new SplittableRandom(1));
        assertArrayEquals(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE}, y);
    }
}
