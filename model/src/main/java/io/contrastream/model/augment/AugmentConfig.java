package io.contrastream.model.augment;

import java.io.Serializable;

/**
 * Immutable augmentation settings for vectors, images and sensor sequences, with defaults taken from
 * SimCLR (Chen et al. 2020), MoCo v2 (Chen et al. 2020) and Random Erasing (Zhong et al. 2020).
 *
 * @param strength multiplier in [0, 2] (default 1) on every magnitude: noise std, brightness, contrast and
 *     the log of the scale factor, like SimCLR's colour-distortion strength; 0 leaves values untouched while
 *     crops, flips, masking and erasing still follow their own probabilities
 * @param vectorNoiseStd absolute std, >= 0 (default 0.1), of per-feature Gaussian noise on [d] vectors
 * @param featureMaskProb per-feature probability, in [0, 1) (default 0.2), of zeroing a vector feature
 * @param scaleMin lower bound, > 0 (default 0.8), of the vector-wide or per-sequence-channel scale factor
 * @param scaleMax upper bound, >= scaleMin (default 1.2), of that scale factor
 * @param cropMinArea smallest area fraction, in (0, 1] (default 0.5), kept by the image random resized crop of an
 *     image at least {@link #CROP_REFERENCE_SIDE} px a side; smaller images get proportionally milder crops
 *     ({@link #cropMinAreaFor}), since the same fraction of far fewer pixels takes most of the shape with it
 * @param cropMaxArea largest area fraction, in [cropMinArea, 1] (default 1), kept by the crop, scaled by image size as
 *     cropMinArea is; below 1 it makes the small local crops of multi-crop (Caron et al. 2020)
 * @param cropAspectMin smallest width/height ratio, > 0 (default 3/4), of the crop box
 * @param cropAspectMax largest width/height ratio, >= cropAspectMin (default 4/3), of the crop box
 * @param flipProb probability, in [0, 1] (default 0: a flip changes the class of digits, text and anything with a
 *     handedness, and Fashion-MNIST learned more without it, BENCHMARKS.md), of a horizontal image flip
 * @param brightness additive brightness jitter, in [0, 1] (default 0.4), as a fraction of the image's value range
 * @param contrast contrast jitter, in [0, 1] (default 0.4): the image is scaled about its mean by 1 +/- contrast
 * @param imageNoiseProb probability, in [0, 1] (default 0.5), of adding Gaussian noise to an image
 * @param imageNoiseStd image noise std, in [0, 1] (default 0.05), as a fraction of the image's value range,
 *     so it means the same for 0..1 pixels and for z-scored ones
 * @param erasingProb probability, in [0, 1] (default 0.25), of random erasing
 * @param erasingAreaMin smallest erased area fraction, in (0, 1] (default 0.02)
 * @param erasingAreaMax largest erased area fraction, in [erasingAreaMin, 1] (default 0.2)
 * @param erasingAspectMin smallest height/width ratio, > 0 (default 0.3), of the erased box
 * @param erasingAspectMax largest height/width ratio, >= erasingAspectMin (default 3.3), of the erased box
 * @param timeCropMinFraction smallest fraction, in (0, 1] (default 0.9), of a [C,T] window kept by the time crop (a
 *     crop resized back to T changes every frequency in the window; cadence often is what tells sensor classes apart)
 * @param sequenceNoiseStd absolute std, >= 0 (default 0.05), of Gaussian jitter on sequence values
 * @param timeMaskProb probability, in [0, 1] (default 0.5), of masking one time segment
 * @param timeMaskMaxFraction longest masked segment, in [0, 1) (default 0.1), as a fraction of T
 * @param timeWarpMax largest change of local speed, in [0, 1) (default 0.1), of the smooth time warp (Um et al. 2017)
 * @param channelDropProb probability, in [0, 1] (default 0.2), of replacing one channel of a multichannel window by its
 *     mean, so the encoder cannot lean on a single sensor
 */
public record AugmentConfig(
        double strength,
        double vectorNoiseStd,
        double featureMaskProb,
        double scaleMin,
        double scaleMax,
        double cropMinArea,
        double cropMaxArea,
        double cropAspectMin,
        double cropAspectMax,
        double flipProb,
        double brightness,
        double contrast,
        double imageNoiseProb,
        double imageNoiseStd,
        double erasingProb,
        double erasingAreaMin,
        double erasingAreaMax,
        double erasingAspectMin,
        double erasingAspectMax,
        double timeCropMinFraction,
        double sequenceNoiseStd,
        double timeMaskProb,
        double timeMaskMaxFraction,
        double timeWarpMax,
        double channelDropProb)
        implements Serializable {

    /** Side (px) from which an image gets the configured {@code cropMinArea}: Fashion-MNIST's 28. */
    public static final int CROP_REFERENCE_SIDE = 28;

    /**
     * The smallest crop area for an image whose shorter side is {@code side} px: {@code cropMinArea} from
     * {@link #CROP_REFERENCE_SIDE} up, and towards 1 in proportion below it (8×8 digits: 0.86 for the default 0.5).
     */
    public double cropMinAreaFor(int side) {
        return forSide(cropMinArea, side);
    }

    /** The largest crop area for an image whose shorter side is {@code side} px, scaled as {@link #cropMinAreaFor}. */
    public double cropMaxAreaFor(int side) {
        return forSide(cropMaxArea, side);
    }

    private static double forSide(double area, int side) {
        return 1 - (1 - area) * Math.min(1.0, side / (double) CROP_REFERENCE_SIDE);
    }

    private static final long serialVersionUID = 1L;

    /** Returns the documented defaults. */
    public static AugmentConfig defaults() {
        return new Builder().build();
    }

    /** Returns a builder preset to the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder preset to this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Returns a validated copy with a different {@code strength}. */
    public AugmentConfig withStrength(double newStrength) {
        return toBuilder().strength(newStrength).build();
    }

    /**
     * Throws if any value is out of its documented range.
     *
     * <p>The builder and every augmenter constructor call this, so a configuration made through the canonical
     * constructor (or deserialised) still fails before its first sample rather than mid-stream.
     *
     * @return this configuration, for chaining
     * @throws IllegalArgumentException naming the first offending field and its allowed range
     */
    public AugmentConfig validate() {
        closed("strength", strength, 0, 2);
        nonNegative("vectorNoiseStd", vectorNoiseStd);
        // A mask probability of 1 would turn every vector view into all zeros, which carries no signal.
        belowOne("featureMaskProb", featureMaskProb);
        positive("scaleMin", scaleMin);
        atLeast("scaleMax", scaleMax, "scaleMin", scaleMin);
        fraction("cropMinArea", cropMinArea);
        atLeastUpToOne("cropMaxArea", cropMaxArea, "cropMinArea", cropMinArea);
        positive("cropAspectMin", cropAspectMin);
        atLeast("cropAspectMax", cropAspectMax, "cropAspectMin", cropAspectMin);
        closed("flipProb", flipProb, 0, 1);
        closed("brightness", brightness, 0, 1);
        closed("contrast", contrast, 0, 1);
        closed("imageNoiseProb", imageNoiseProb, 0, 1);
        closed("imageNoiseStd", imageNoiseStd, 0, 1);
        closed("erasingProb", erasingProb, 0, 1);
        fraction("erasingAreaMin", erasingAreaMin);
        atLeastUpToOne("erasingAreaMax", erasingAreaMax, "erasingAreaMin", erasingAreaMin);
        positive("erasingAspectMin", erasingAspectMin);
        atLeast("erasingAspectMax", erasingAspectMax, "erasingAspectMin", erasingAspectMin);
        fraction("timeCropMinFraction", timeCropMinFraction);
        nonNegative("sequenceNoiseStd", sequenceNoiseStd);
        closed("timeMaskProb", timeMaskProb, 0, 1);
        // A full-length mask would replace the whole window by its mean, leaving nothing to learn from.
        belowOne("timeMaskMaxFraction", timeMaskMaxFraction);
        // A warp of 1 could stop time (zero local speed), and a piecewise-linear map would no longer be invertible.
        belowOne("timeWarpMax", timeWarpMax);
        closed("channelDropProb", channelDropProb, 0, 1);
        return this;
    }

    private static void closed(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw outOfRange(name, "[" + (int) lo + ", " + (int) hi + "]", v);
        }
    }

    private static void fraction(String name, double v) {
        if (!(v > 0 && v <= 1)) {
            throw outOfRange(name, "(0, 1]", v);
        }
    }

    private static void belowOne(String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw outOfRange(name, "[0, 1)", v);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0 && v < Double.POSITIVE_INFINITY)) {
            throw outOfRange(name, "(0, inf)", v);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
            throw outOfRange(name, "[0, inf)", v);
        }
    }

    private static void atLeast(String name, double v, String lowerName, double lower) {
        if (!(v >= lower && v < Double.POSITIVE_INFINITY)) {
            throw outOfRange(name, "[" + lowerName + "=" + lower + ", inf)", v);
        }
    }

    private static void atLeastUpToOne(String name, double v, String lowerName, double lower) {
        if (!(v >= lower && v <= 1)) {
            throw outOfRange(name, "[" + lowerName + "=" + lower + ", 1]", v);
        }
    }

    private static IllegalArgumentException outOfRange(String name, String range, double v) {
        return new IllegalArgumentException(name + " must be in " + range + ", got " + v);
    }

    /** Mutable builder for {@link AugmentConfig}, preset to the documented defaults. */
    public static final class Builder {
        private double strength = 1.0;
        private double vectorNoiseStd = 0.1;
        private double featureMaskProb = 0.2;
        private double scaleMin = 0.8;
        private double scaleMax = 1.2;
        private double cropMinArea = 0.5;
        private double cropMaxArea = 1;
        private double cropAspectMin = 3.0 / 4.0;
        private double cropAspectMax = 4.0 / 3.0;
        private double flipProb = 0;
        private double brightness = 0.4;
        private double contrast = 0.4;
        private double imageNoiseProb = 0.5;
        private double imageNoiseStd = 0.05;
        private double erasingProb = 0.25;
        private double erasingAreaMin = 0.02;
        private double erasingAreaMax = 0.2;
        private double erasingAspectMin = 0.3;
        private double erasingAspectMax = 3.3;
        private double timeCropMinFraction = 0.9;
        private double sequenceNoiseStd = 0.05;
        private double timeMaskProb = 0.5;
        private double timeMaskMaxFraction = 0.1;
        private double timeWarpMax = 0.1;
        private double channelDropProb = 0.2;

        private Builder() {}

        private Builder(AugmentConfig c) {
            strength = c.strength;
            vectorNoiseStd = c.vectorNoiseStd;
            featureMaskProb = c.featureMaskProb;
            scaleRange(c.scaleMin, c.scaleMax);
            cropMinArea = c.cropMinArea;
            cropMaxArea = c.cropMaxArea;
            cropAspect(c.cropAspectMin, c.cropAspectMax);
            flipProb = c.flipProb;
            brightness = c.brightness;
            contrast = c.contrast;
            imageNoiseProb = c.imageNoiseProb;
            imageNoiseStd = c.imageNoiseStd;
            erasingProb = c.erasingProb;
            erasingArea(c.erasingAreaMin, c.erasingAreaMax);
            erasingAspect(c.erasingAspectMin, c.erasingAspectMax);
            timeCropMinFraction = c.timeCropMinFraction;
            sequenceNoiseStd = c.sequenceNoiseStd;
            timeMaskProb = c.timeMaskProb;
            timeMaskMaxFraction = c.timeMaskMaxFraction;
            timeWarpMax = c.timeWarpMax;
            channelDropProb = c.channelDropProb;
        }

        // Setters only record values; build() validates them together, since ranges depend on pairs.

        public Builder strength(double v) { strength = v; return this; }

        public Builder vectorNoiseStd(double v) { vectorNoiseStd = v; return this; }

        public Builder featureMaskProb(double v) { featureMaskProb = v; return this; }

        public Builder scaleRange(double min, double max) { scaleMin = min; scaleMax = max; return this; }

        public Builder cropMinArea(double v) { cropMinArea = v; return this; }

        public Builder cropMaxArea(double v) { cropMaxArea = v; return this; }

        public Builder cropAspect(double min, double max) {
            cropAspectMin = min;
            cropAspectMax = max;
            return this;
        }

        public Builder flipProb(double v) { flipProb = v; return this; }

        public Builder brightness(double v) { brightness = v; return this; }

        public Builder contrast(double v) { contrast = v; return this; }

        public Builder imageNoiseProb(double v) { imageNoiseProb = v; return this; }

        public Builder imageNoiseStd(double v) { imageNoiseStd = v; return this; }

        public Builder erasingProb(double v) { erasingProb = v; return this; }

        public Builder erasingArea(double min, double max) {
            erasingAreaMin = min;
            erasingAreaMax = max;
            return this;
        }

        public Builder erasingAspect(double min, double max) {
            erasingAspectMin = min;
            erasingAspectMax = max;
            return this;
        }

        public Builder timeCropMinFraction(double v) { timeCropMinFraction = v; return this; }

        public Builder sequenceNoiseStd(double v) { sequenceNoiseStd = v; return this; }

        public Builder timeMaskProb(double v) { timeMaskProb = v; return this; }

        public Builder timeMaskMaxFraction(double v) { timeMaskMaxFraction = v; return this; }

        public Builder timeWarpMax(double v) { timeWarpMax = v; return this; }

        public Builder channelDropProb(double v) { channelDropProb = v; return this; }

        /** Returns the validated configuration. */
        public AugmentConfig build() {
            return new AugmentConfig(strength, vectorNoiseStd, featureMaskProb, scaleMin, scaleMax,
                            cropMinArea, cropMaxArea, cropAspectMin, cropAspectMax, flipProb, brightness, contrast,
                            imageNoiseProb, imageNoiseStd, erasingProb, erasingAreaMin, erasingAreaMax,
                            erasingAspectMin, erasingAspectMax, timeCropMinFraction, sequenceNoiseStd,
                            timeMaskProb, timeMaskMaxFraction, timeWarpMax, channelDropProb)
                    .validate();
        }
    }
}
