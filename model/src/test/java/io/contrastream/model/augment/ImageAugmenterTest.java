package io.contrastream.model.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageAugmenterTest {

    @Test
    void flipWithProbabilityOneMirrorsEveryChannelExactly() {
        // Two channels of 2 x 3, horizontally asymmetric.
        float[] x = {1, 2, 3, 4, 5, 6, /* channel 2 */ -1, 0, 7, 9, 8, -2};
        float[] mirrored = {3, 2, 1, 6, 5, 4, /* channel 2 */ 7, 0, -1, -2, 8, 9};
        // Aspect fixed at W/H = 1.5 so the full-area crop is the whole 2 x 3 image.
        AugmentConfig cfg = Quiet.builder().cropAspect(1.5, 1.5).flipProb(1).build();
        float[] y = new ImageAugmenter(2, 2, 3, cfg).apply(x, new SplittableRandom(1));
        assertArrayEquals(mirrored, y);
    }

    @Test
    void fullAreaSquareCropIsIdentity() {
        int h = 9;
        float[] x = new float[2 * h * h];
        SplittableRandom data = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) data.nextGaussian();
        }
        ImageAugmenter a = new ImageAugmenter(2, h, h, Quiet.builder().build());
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 5; trial++) {
            assertArrayEquals(x, a.apply(x, rng), 1e-6f);
        }
    }

    @Test
    void resizedCropOfARampStaysMonotoneAndInsideItsRange() {
        int h = 16;
        float[] x = new float[h * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < h; c++) {
                x[r * h + c] = c;
            }
        }
        AugmentConfig cfg = Quiet.builder().cropMinArea(0.3).cropAspect(0.75, 4.0 / 3).build();
        ImageAugmenter a = new ImageAugmenter(1, h, h, cfg);
        SplittableRandom rng = new SplittableRandom(4);
        boolean sawZoom = false;
        boolean sawShift = false;
        for (int trial = 0; trial < 50; trial++) {
            float[] y = a.apply(x, rng);
            for (int r = 0; r < h; r++) {
                for (int c = 1; c < h; c++) {
                    assertTrue(y[r * h + c] >= y[r * h + c - 1], "bilinear resize must keep a ramp monotone");
                }
                assertEquals(y[r * h], y[0], 1e-5f, "a horizontal ramp keeps identical rows");
            }
            assertTrue(y[0] >= 0 && y[h - 1] <= h - 1);
            for (int c = 0; c < h; c++) {
                // Half-pixel sample centres place the samples symmetrically inside the crop box.
                assertEquals(y[0] + y[h - 1], y[c] + y[h - 1 - c], 1e-4f, "asymmetric sampling");
            }
            sawZoom |= y[h - 1] - y[0] < h - 1 - 1e-3;
            sawShift |= y[0] > 0;
        }
        assertTrue(sawZoom, "some crops must zoom in");
        assertTrue(sawShift, "some crops must start away from the left edge");
    }

    @Test
    void brightnessAddsOneShiftWithinBrightnessTimesRange() {
        float[] x = {0, 2, 4, 6, 8, 10, 1, 3, 5};
        AugmentConfig cfg = Quiet.builder().strength(1).brightness(0.4).contrast(0).build();
        ImageAugmenter a = new ImageAugmenter(1, 3, 3, cfg);
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            float[] y = a.apply(x, rng);
            double shift = y[0] - x[0];
            assertTrue(Math.abs(shift) <= 0.4 * 10 + 1e-5, "shift " + shift);
            for (int i = 1; i < x.length; i++) {
                assertEquals(shift, y[i] - x[i], 1e-5);
            }
        }
    }

    @Test
    void contrastScalesAboutTheMeanWithinRange() {
        float[] x = {0, 2, 4, 6, 8, 10, 1, 3, 5};
        double mean = Quiet.mean(x);
        AugmentConfig cfg = Quiet.builder().strength(1).brightness(0).contrast(0.4).build();
        ImageAugmenter a = new ImageAugmenter(1, 3, 3, cfg);
        SplittableRandom rng = new SplittableRandom(6);
        for (int trial = 0; trial < 20; trial++) {
            float[] y = a.apply(x, rng);
            double factor = (y[0] - mean) / (x[0] - mean);
            assertTrue(factor >= 0.6 - 1e-6 && factor <= 1.4 + 1e-6, "factor " + factor);
            assertEquals(mean, Quiet.mean(y), 1e-5, "contrast keeps the mean");
        }
    }

    @Test
    void noiseStdIsAFractionOfTheValueRangeAndFollowsItsProbability() {
        int h = 64;
        float[] x = new float[h * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = 10f * i / (x.length - 1); // range 10, so std 0.05 of the range is 0.5
        }
        AugmentConfig always = Quiet.builder().strength(1).brightness(0).contrast(0)
                .imageNoiseProb(1).imageNoiseStd(0.05).build();
        float[] y = new ImageAugmenter(1, h, h, always).apply(x, new SplittableRandom(16));
        double sq = 0;
        for (int i = 0; i < x.length; i++) {
            sq += (y[i] - x[i]) * (y[i] - x[i]);
        }
        assertEquals(0.5, Math.sqrt(sq / x.length), 0.03);

        ImageAugmenter half = new ImageAugmenter(1, h, h, always.toBuilder().imageNoiseProb(0.5).build());
        SplittableRandom rng = new SplittableRandom(17);
        int noisy = 0;
        for (int trial = 0; trial < 400; trial++) {
            noisy += Arrays.equals(x, half.apply(x, rng)) ? 0 : 1;
        }
        assertEquals(200, noisy, 40); // binomial std is 10
    }

    @Test
    void erasingFillsOneRectangleWithTheChannelMean() {
        int h = 20;
        int w = 20;
        float[] x = new float[2 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = i < h * w ? 1 + (i % 7) : -5 - (i % 3);
        }
        AugmentConfig cfg = Quiet.builder().erasingProb(1).build();
        float[] y = new ImageAugmenter(2, h, w, cfg).apply(x, new SplittableRandom(8));
        for (int c = 0; c < 2; c++) {
            float fill = (float) Quiet.mean(Arrays.copyOfRange(x, c * h * w, (c + 1) * h * w));
            int minR = h;
            int maxR = -1;
            int minC = w;
            int maxC = -1;
            int changed = 0;
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    int i = c * h * w + r * w + col;
                    if (y[i] != x[i]) {
                        assertEquals(fill, y[i], 1e-5f);
                        changed++;
                        minR = Math.min(minR, r);
                        maxR = Math.max(maxR, r);
                        minC = Math.min(minC, col);
                        maxC = Math.max(maxC, col);
                    }
                }
            }
            int box = (maxR - minR + 1) * (maxC - minC + 1);
            assertTrue(changed > 0, "something must be erased");
            // Cells that already equal the mean may be unchanged, so the box can only be larger.
            assertTrue(box >= changed && box <= 0.2 * h * w + 2 * h, "box " + box);
        }
    }

    @Test
    void mildViewsDifferButStayCloseInMean() {
        int h = 32;
        float[] x = new float[3 * h * h];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < h; col++) {
                    x[(c * h + r) * h + col] = (r + col) / (2f * (h - 1)); // smooth 0..1 gradient
                }
            }
        }
        // Strength 0.25 caps the brightness shift at 0.1 of the range, and an 85% crop of this
        // gradient moves its mean by at most ~0.05, hence the 0.15 tolerance.
        AugmentConfig mild =
                AugmentConfig.builder().strength(0.25).cropMinArea(0.85).erasingProb(0).build();
        TwoViews p = Augmenters.twoViews(new ImageAugmenter(3, h, h, mild), x, new SplittableRandom(10));
        assertFalse(Arrays.equals(p.first(), p.second()));
        double m = Quiet.mean(x);
        assertEquals(m, Quiet.mean(p.first()), 0.15);
        assertEquals(m, Quiet.mean(p.second()), 0.15);
    }

    @Test
    void zScoredAndLargeInputsStayFiniteAndUnclamped() {
        float[] x = new float[3 * 8 * 8];
        SplittableRandom data = new SplittableRandom(12);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (data.nextGaussian() * 3e37);
        }
        AugmentConfig strong = AugmentConfig.builder().strength(2).imageNoiseProb(1).erasingProb(1)
                .brightness(1).contrast(1).build();
        ImageAugmenter a = new ImageAugmenter(3, 8, 8, strong);
        SplittableRandom rng = new SplittableRandom(13);
        boolean outside01 = false;
        for (int trial = 0; trial < 100; trial++) {
            for (float v : a.apply(x, rng)) {
                assertTrue(Float.isFinite(v));
                outside01 |= v < 0 || v > 1;
            }
        }
        assertTrue(outside01, "values must not be clamped to 0..1");
    }

    @Test
    void throughputOn1x28x28IsReported() {
        int n = 200_000;
        float[] x = new float[28 * 28];
        SplittableRandom data = new SplittableRandom(14);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) data.nextDouble();
        }
        ImageAugmenter a = new ImageAugmenter(1, 28, 28, AugmentConfig.defaults());
        SplittableRandom rng = new SplittableRandom(15);
        double sink = 0;
        for (int i = 0; i < n / 4; i++) {
            sink += a.apply(x, rng)[i % x.length]; // warm-up for the JIT
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += a.apply(x, rng)[i % x.length];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ImageAugmenter 1x28x28: %.0f images/s single-threaded%n", n / seconds);
        assertTrue(Double.isFinite(sink)); // keeps the loop from being optimised away
    }
}
