package io.contrastream.model.augment;

import java.util.SplittableRandom;

/**
 * Augments a multichannel sensor window of shape [C,T] with a random time crop resized back to T,
 * per-channel amplitude scaling, Gaussian jitter and masking of one time segment.
 */
public final class SequenceAugmenter implements Augmenter {

    private static final long serialVersionUID = 1L;

    private final int channels;
    private final int length;
    private final int size;
    private final AugmentConfig config;

    /**
     * Creates an augmenter for windows of {@code channels} series of {@code length} steps each.
     *
     * @param channels the number of sensor channels C, in [1, Integer.MAX_VALUE]
     * @param length the number of time steps T, in [1, Integer.MAX_VALUE]
     * @param config the settings; validated here so a bad one fails at wiring time, not per sample
     */
    public SequenceAugmenter(int channels, int length, AugmentConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.size = AugmentMath.volume("[" + channels + ", " + length + "]", channels, length);
        this.channels = channels;
        this.length = length;
        this.config = config.validate();
    }

    /** Returns the number of channels C. */
    public int channels() {
        return channels;
    }

    /** Returns the number of time steps T. */
    public int length() {
        return length;
    }

    /** Returns the settings this augmenter applies. */
    public AugmentConfig config() {
        return config;
    }

    @Override
    public float[] apply(float[] x, SplittableRandom rng) {
        AugmentMath.checkSample(x, size, "[" + channels + ", " + length + "]", rng);
        // One crop for all channels keeps the channels time-aligned, as the sensors were.
        double fraction = AugmentMath.uniform(rng, config.timeCropMinFraction(), 1.0);
        int window = (int) Math.min(length, Math.max(1, Math.round(fraction * length)));
        int start = rng.nextInt(length - window + 1);
        int[] lo = new int[length];
        int[] hi = new int[length];
        double[] w = new double[length];
        AugmentMath.linearTaps(start, window, length, lo, hi, w);

        double strength = config.strength();
        double sigma = config.sequenceNoiseStd() * strength;
        double[] channelMean = new double[channels];
        float[] out = new float[size];
        for (int c = 0; c < channels; c++) {
            // Per-channel scales model sensors whose gains drift independently.
            double scale = AugmentMath.scaleFactor(rng, config.scaleMin(), config.scaleMax(), strength);
            int base = c * length;
            double sum = 0;
            for (int t = 0; t < length; t++) {
                double v = (x[base + lo[t]] * (1 - w[t]) + x[base + hi[t]] * w[t]) * scale;
                if (sigma > 0) {
                    v += sigma * rng.nextGaussian();
                }
                float f = AugmentMath.saturate(v);
                out[base + t] = f;
                sum += f;
            }
            channelMean[c] = sum / length;
        }
        if (rng.nextDouble() < config.timeMaskProb()) {
            maskSegment(out, channelMean, rng);
        }
        return out;
    }

    /**
     * Replaces one segment, on every channel, with that channel's mean rather than 0, because raw
     * sensor channels often sit far from 0 (gravity on an accelerometer) and a drop to 0 would be a
     * step the encoder could trivially spot.
     */
    private void maskSegment(float[] out, double[] channelMean, SplittableRandom rng) {
        int maxLen = (int) Math.round(config.timeMaskMaxFraction() * length);
        if (maxLen < 1) {
            return;
        }
        int segment = 1 + rng.nextInt(maxLen);
        int from = rng.nextInt(length - segment + 1);
        for (int c = 0; c < channels; c++) {
            float fill = (float) channelMean[c];
            int base = c * length + from;
            for (int t = 0; t < segment; t++) {
                out[base + t] = fill;
            }
        }
    }

    @Override
    public String toString() {
        return "SequenceAugmenter[channels=" + channels + ", length=" + length + "]";
    }
}
