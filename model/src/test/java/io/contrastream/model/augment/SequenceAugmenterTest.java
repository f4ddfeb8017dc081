package io.contrastream.model.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequenceAugmenterTest {

    private static float[] ramps(int channels, int length) {
        float[] x = new float[channels * length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < length; t++) {
                x[c * length + t] = (c + 1) * (t + 1);
            }
        }
        return x;
    }

    @Test
    void quietSettingsReturnAnEqualCopy() {
        float[] x = ramps(3, 40);
        float[] y = new SequenceAugmenter(3, 40, Quiet.builder().build()).apply(x, new SplittableRandom(1));
        assertArrayEquals(x, y);
    }

    @Test
    void timeCropIsSharedByAllChannelsAndStaysMonotone() {
        int t = 50;
        float[] x = ramps(2, t);
        AugmentConfig cfg = Quiet.builder().timeCropMinFraction(0.5).build();
        SequenceAugmenter a = new SequenceAugmenter(2, t, cfg);
        SplittableRandom rng = new SplittableRandom(2);
        boolean sawLateStart = false;
        boolean sawEarlyEnd = false;
        for (int trial = 0; trial < 30; trial++) {
            float[] y = a.apply(x, rng);
            for (int i = 0; i < t; i++) {
                // Channel 2 is exactly twice channel 1, so a shared crop keeps that ratio everywhere.
                assertEquals(2 * y[i], y[t + i], 1e-4f);
                if (i > 0) {
                    assertTrue(y[i] >= y[i - 1]);
                }
            }
            assertTrue(y[0] >= 1 && y[t - 1] <= t);
            sawLateStart |= y[0] > 1;
            sawEarlyEnd |= y[t - 1] < t;
        }
        assertTrue(sawLateStart && sawEarlyEnd, "crops must start and end at varying steps");
    }

    @Test
    void amplitudeScaleIsPerChannelWithinScaleRange() {
        int t = 20;
        float[] x = ramps(4, t);
        AugmentConfig cfg = Quiet.builder().strength(1).sequenceNoiseStd(0).scaleRange(0.8, 1.2).build();
        float[] y = new SequenceAugmenter(4, t, cfg).apply(x, new SplittableRandom(3));
        double[] factors = new double[4];
        for (int c = 0; c < 4; c++) {
            factors[c] = y[c * t] / x[c * t];
            assertTrue(factors[c] >= 0.8 - 1e-6 && factors[c] <= 1.2 + 1e-6);
            for (int i = 1; i < t; i++) {
                assertEquals(factors[c], y[c * t + i] / x[c * t + i], 1e-6);
            }
        }
        assertTrue(Arrays.stream(factors).distinct().count() > 1, "channels get their own factors");
    }

    @Test
    void timeMaskReplacesOneSegmentOnEveryChannelWithItsMean() {
        int t = 100;
        float[] x = ramps(2, t);
        AugmentConfig cfg = Quiet.builder().timeMaskProb(1).timeMaskMaxFraction(0.2).build();
        float[] y = new SequenceAugmenter(2, t, cfg).apply(x, new SplittableRandom(4));
        int first = -1;
        int last = -1;
        for (int i = 0; i < t; i++) {
            if (y[i] != x[i]) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        assertTrue(first >= 0, "a segment must be masked");
        assertTrue(last - first + 1 <= 20, "segment longer than timeMaskMaxFraction");
        for (int c = 0; c < 2; c++) {
            float fill = (float) Quiet.mean(Arrays.copyOfRange(x, c * t, (c + 1) * t));
            for (int i = first; i <= last; i++) {
                assertEquals(fill, y[c * t + i], 1e-4f);
            }
        }
    }

    @Test
    void mildViewsDifferButStayCloseInMean() {
        float[] x = ramps(3, 64);
        AugmentConfig mild = AugmentConfig.builder().strength(0.5).timeCropMinFraction(0.9).build();
        TwoViews p = Augmenters.twoViews(new SequenceAugmenter(3, 64, mild), x, new SplittableRandom(5));
        assertFalse(Arrays.equals(p.first(), p.second()));
        double m = Quiet.mean(x);
        assertEquals(m, Quiet.mean(p.first()), 0.15 * m);
        assertEquals(m, Quiet.mean(p.second()), 0.15 * m);
    }

    @Test
    void theTimeWarpKeepsTheWindowMonotoneAndItsEndsButMovesItsMiddle() {
        int t = 64;
        float[] x = ramps(1, t);
        SequenceAugmenter a = new SequenceAugmenter(1, t, Quiet.builder().strength(1).sequenceNoiseStd(0).scaleRange(1, 1).timeWarpMax(0.5).build());
        SplittableRandom rng = new SplittableRandom(6);
        boolean moved = false;
        for (int trial = 0; trial < 20; trial++) {
            float[] y = a.apply(x, rng);
            for (int i = 1; i < t; i++) assertTrue(y[i] >= y[i - 1], "a warp never reverses time");
            assertEquals(x[0], y[0], 0.5f);
            assertEquals(x[t - 1], y[t - 1], 0.5f);
            moved |= Math.abs(y[t / 2] - x[t / 2]) > 2;
        }
        assertTrue(moved, "the middle of the window plays faster or slower");
    }

    @Test
    void channelDropReplacesOneWholeChannelByItsMean() {
        int t = 30;
        float[] x = ramps(3, t);
        float[] y = new SequenceAugmenter(3, t, Quiet.builder().strength(1).sequenceNoiseStd(0).scaleRange(1, 1).channelDropProb(1).build())
                .apply(x, new SplittableRandom(7));
        int dropped = 0;
        for (int c = 0; c < 3; c++) {
            float[] ch = Arrays.copyOfRange(y, c * t, (c + 1) * t);
            if (Arrays.equals(ch, Arrays.copyOfRange(x, c * t, (c + 1) * t))) continue;
            dropped++;
            float fill = (float) Quiet.mean(Arrays.copyOfRange(x, c * t, (c + 1) * t));
            for (float v : ch) assertEquals(fill, v, 1e-4f);
        }
        assertEquals(1, dropped);
    }
}
