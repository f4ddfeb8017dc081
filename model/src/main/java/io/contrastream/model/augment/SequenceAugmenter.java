package io.contrastream.model.augment;

import java.util.SplittableRandom;

/**
 * Augments a multichannel sensor window of shape [C,T] with a random time crop resized back to T under a
 * piecewise-linear time warp, per-channel amplitude scaling, Gaussian jitter, dropping one channel and masking one time segment: the
 * time-series augmentations of Um et al. 2017 and TS-TCC (Eldele et al. 2021).
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
        double strength = config.strength();
        int[] lo = new int[length];
        int[] hi = new int[length];
        double[] w = new double[length];
        warpedTaps(start, window, config.timeWarpMax() * strength, rng, lo, hi, w);

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
        if (channels > 1 && strength > 0 && rng.nextDouble() < config.channelDropProb()) {
            int c = rng.nextInt(channels);
            java.util.Arrays.fill(out, c * length, (c + 1) * length, (float) channelMean[c]);
        }
        if (rng.nextDouble() < config.timeMaskProb()) {
            maskSegment(out, channelMean, rng);
        }
        return out;
    }

    /**
     * Interpolation taps from the crop [start, start + window) onto T steps through a monotone piecewise-linear warp
     * g of [0, 1]: one random knot k moves to k·(1 + δ), δ uniform in [−warp, warp], so one part of the window plays
     * faster and the rest slower. warp 0 is the plain resize.
     */
    private void warpedTaps(int start, int window, double warp, SplittableRandom rng, int[] lo, int[] hi, double[] w) {
        double knot = 0.5;
        double moved = 0.5;
        if (warp > 0) {
            knot = AugmentMath.uniform(rng, 0.25, 0.75);
            moved = Math.min(0.95, Math.max(0.05, knot * (1 + AugmentMath.uniform(rng, -warp, warp))));
        }
        int last = start + window - 1;
        for (int t = 0; t < length; t++) {
            double u = (t + 0.5) / length;
            double g = u <= knot ? u * moved / knot : moved + (u - knot) * (1 - moved) / (1 - knot);
            // Clamping keeps the edge samples inside the window, so nothing outside the crop leaks in.
            double src = Math.min(Math.max(start + g * window - 0.5, start), last);
            lo[t] = (int) Math.floor(src);
            hi[t] = Math.min(lo[t] + 1, last);
            w[t] = src - lo[t];
        }
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
