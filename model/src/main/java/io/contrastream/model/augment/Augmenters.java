package io.contrastream.model.augment;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Factory and pairing helpers that pick an augmenter by sample shape and derive per-sample RNGs. */
public final class Augmenters {

    private Augmenters() {}

    /**
     * Returns the augmenter for a sample shape: [d] vectors, [C,T] sequences or [C,H,W] images.
     *
     * @param shape the sample shape, every dimension in [1, Integer.MAX_VALUE]
     * @param cfg the settings, validated before use
     * @throws IllegalArgumentException if the shape is missing, empty, not of rank 1 to 3 or has a
     *     non-positive dimension, or if {@code cfg} is missing or invalid
     */
    public static Augmenter forShape(int[] shape, AugmentConfig cfg) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        if (cfg == null) {
            throw new IllegalArgumentException("cfg must not be null");
        }
        switch (shape.length) {
            case 1:
                return new VectorAugmenter(shape[0], cfg);
            case 2:
                return new SequenceAugmenter(shape[0], shape[1], cfg);
            case 3:
                return new ImageAugmenter(shape[0], shape[1], shape[2], cfg);
            default:
                throw new IllegalArgumentException(
                        "shape must have rank in [1, 3] ([d], [C,T] or [C,H,W]), got rank "
                                + shape.length + ": " + Arrays.toString(shape));
        }
    }

    /**
     * Applies one augmenter twice to make a positive pair, like MoCo's TwoCropsTransform (Chen et al.
     * 2020); the two views differ only because {@code rng} advances between them.
     *
     * @param a the augmenter
     * @param x the sample, never modified
     * @param rng the generator both views draw from, in order (first, then second)
     */
    public static TwoViews twoViews(Augmenter a, float[] x, SplittableRandom rng) {
        if (a == null) {
            throw new IllegalArgumentException("a must not be null");
        }
        float[] first = a.apply(x, rng);
        float[] second = a.apply(x, rng);
        return new TwoViews(first, second);
    }

    /**
     * Derives a generator from a job seed and a sample id alone, so a sample gets the same views
     * whatever the parallelism, partitioning or replay order.
     *
     * <p>The UTF-8 bytes of the id are absorbed eight at a time through the SplitMix64 finaliser and
     * the length is folded in last, so ids differing only by trailing NUL bytes still differ. The
     * mapping is part of the replay contract: changing it changes every view of every sample.
     *
     * @param seed the job-level seed
     * @param sampleId the sample's stable id, not null (may be empty)
     */
    public static SplittableRandom rngFor(long seed, String sampleId) {
        if (sampleId == null) {
            throw new IllegalArgumentException("sampleId must not be null");
        }
        byte[] bytes = sampleId.getBytes(StandardCharsets.UTF_8);
        long h = AugmentMath.mix64(seed ^ AugmentMath.GOLDEN_GAMMA);
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            h = AugmentMath.mix64((h + AugmentMath.GOLDEN_GAMMA) ^ littleEndian(bytes, i, Long.BYTES));
        }
        h = AugmentMath.mix64((h + AugmentMath.GOLDEN_GAMMA) ^ littleEndian(bytes, i, bytes.length - i));
        return new SplittableRandom(AugmentMath.mix64(h ^ bytes.length));
    }

    private static long littleEndian(byte[] bytes, int from, int count) {
        long v = 0;
        for (int k = 0; k < count; k++) {
            v |= (bytes[from + k] & 0xFFL) << (8 * k);
        }
        return v;
    }
}
