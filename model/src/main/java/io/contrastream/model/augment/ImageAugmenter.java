package io.contrastream.model.augment;

import java.util.SplittableRandom;

/**
 * Augments a [C,H,W] image with the MoCo v2 / SimCLR recipe (Chen et al. 2020) of random resized crop,
 * horizontal flip, brightness and contrast jitter and Gaussian noise, then Random Erasing (Zhong et al. 2020),
 * drawing one geometric transform for all channels.
 */
public final class ImageAugmenter implements Augmenter {

    private static final long serialVersionUID = 1L;

    // torchvision's RandomResizedCrop and RandomErasing both give up after 10 rejected boxes;
    // matching it keeps the box distributions comparable with published recipes.
    private static final int MAX_BOX_ATTEMPTS = 10;

    private final int channels;
    private final int height;
    private final int width;
    private final int size;
    private final AugmentConfig config;

    /**
     * Creates an augmenter for images of the given shape.
     *
     * @param channels the number of channels C, in [1, Integer.MAX_VALUE]
     * @param height the height H, in [1, Integer.MAX_VALUE]
     * @param width the width W, in [1, Integer.MAX_VALUE]
     * @param config the settings; validated here so a bad one fails at wiring time, not per sample
     */
    public ImageAugmenter(int channels, int height, int width, AugmentConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.size = AugmentMath.volume(shapeText(channels, height, width), channels, height, width);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.config = config.validate();
    }

    /** Returns the number of channels C. */
    public int channels() {
        return channels;
    }

    /** Returns the height H. */
    public int height() {
        return height;
    }

    /** Returns the width W. */
    public int width() {
        return width;
    }

    /** Returns the settings this augmenter applies. */
    public AugmentConfig config() {
        return config;
    }

    @Override
    public float[] apply(float[] x, SplittableRandom rng) {
        AugmentMath.checkSample(x, size, shapeText(channels, height, width), rng);
        int[] box = cropBox(rng);
        boolean flip = rng.nextDouble() < config.flipProb();
        float[] out = resizeCrop(x, box, flip);
        double[] channelMean = photometric(out, rng);
        if (rng.nextDouble() < config.erasingProb()) {
            erase(out, channelMean, rng);
        }
        return out;
    }

    /** Draws {top, left, h, w} as torchvision's RandomResizedCrop does, with a centre fallback. */
    private int[] cropBox(SplittableRandom rng) {
        double area = (double) height * width;
        double minArea = config.cropMinAreaFor(Math.min(height, width));
        double maxArea = config.cropMaxAreaFor(Math.min(height, width));
        for (int attempt = 0; attempt < MAX_BOX_ATTEMPTS; attempt++) {
            double target = area * AugmentMath.uniform(rng, minArea, maxArea);
            double aspect = AugmentMath.logUniform(rng, config.cropAspectMin(), config.cropAspectMax());
            long w = Math.round(Math.sqrt(target * aspect));
            long h = Math.round(Math.sqrt(target / aspect));
            if (w >= 1 && w <= width && h >= 1 && h <= height) {
                int top = rng.nextInt(height - (int) h + 1);
                int left = rng.nextInt(width - (int) w + 1);
                return new int[] {top, left, (int) h, (int) w};
            }
        }
        // No sampled box fitted (extreme aspect range or tiny image): take the largest centred box
        // whose aspect lies inside the allowed range.
        int w = width;
        int h = height;
        double ratio = (double) width / height;
        if (ratio < config.cropAspectMin()) {
            h = (int) Math.min(height, Math.max(1, Math.round(width / config.cropAspectMin())));
        } else if (ratio > config.cropAspectMax()) {
            w = (int) Math.min(width, Math.max(1, Math.round(height * config.cropAspectMax())));
        }
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }

    /** Bilinearly resizes the crop box back to H x W, mirroring the sampling grid when flipping. */
    private float[] resizeCrop(float[] x, int[] box, boolean flip) {
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        double[] wy = new double[height];
        AugmentMath.linearTaps(box[0], box[2], height, y0, y1, wy);
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        double[] wx = new double[width];
        AugmentMath.linearTaps(box[1], box[3], width, x0, x1, wx);
        if (flip) {
            // Reversing the column taps flips every channel identically at no extra pass over the pixels.
            reverse(x0);
            reverse(x1);
            reverse(wx);
        }
        float[] out = new float[size];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int y = 0; y < height; y++) {
                int r0 = base + y0[y] * width;
                int r1 = base + y1[y] * width;
                double fy = wy[y];
                int o = base + y * width;
                for (int i = 0; i < width; i++) {
                    double fx = wx[i];
                    // The (1 - f) * a + f * b form returns a exactly when f == 0, so an uncropped,
                    // unflipped image passes through bit-for-bit.
                    double top = x[r0 + x0[i]] * (1 - fx) + x[r0 + x1[i]] * fx;
                    double bottom = x[r1 + x0[i]] * (1 - fx) + x[r1 + x1[i]] * fx;
                    out[o + i] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
        return out;
    }

    /**
     * Applies brightness, contrast and (with probability) noise in one pass, in SimCLR's fixed
     * brightness-then-contrast order, and returns the per-channel means of the result.
     *
     * <p>Values are whatever the producer sends (0..1, 0..255 or z-scored), so magnitudes are taken
     * relative to the image's value range and nothing is clamped to 0..1; results only saturate at
     * the float range.
     */
    private double[] photometric(float[] v, SplittableRandom rng) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        double mean = sum / v.length;
        // The value range stands in for the unknown pixel scale; a constant image (range 0) has no
        // scale to be relative to, so it gets no brightness shift or noise.
        double range = max - min;
        double strength = config.strength();
        double b = config.brightness() * strength;
        double shift = AugmentMath.uniform(rng, -b, b) * range;
        double k = config.contrast() * strength;
        // Clamped at 0 like torchvision's ColorJitter, so contrast never inverts the image.
        double gain = Math.max(0, AugmentMath.uniform(rng, 1 - k, 1 + k)) - 1;
        boolean noisy = rng.nextDouble() < config.imageNoiseProb();
        double sigma = noisy ? config.imageNoiseStd() * strength * range : 0;

        double[] channelMean = new double[channels];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            double channelSum = 0;
            for (int i = c * plane, end = i + plane; i < end; i++) {
                // Written as v + (v - mean) * (factor - 1) rather than (v - mean) * factor + mean so that a
                // neutral contrast leaves v bit-exact even when |mean| dwarfs v.
                double y = v[i] + (v[i] - mean) * gain + shift;
                if (sigma > 0) {
                    y += sigma * rng.nextGaussian();
                }
                float f = AugmentMath.saturate(y);
                v[i] = f;
                channelSum += f;
            }
            channelMean[c] = channelSum / plane;
        }
        return channelMean;
    }

    /**
     * Random Erasing (Zhong et al. 2020), filling the box with each channel's mean: the paper fills
     * with random values or the dataset mean, and with unknown normalisation the image's own mean is
     * the scale-free equivalent, adding no out-of-distribution values.
     */
    private void erase(float[] out, double[] channelMean, SplittableRandom rng) {
        double area = (double) height * width;
        for (int attempt = 0; attempt < MAX_BOX_ATTEMPTS; attempt++) {
            double target =
                    area * AugmentMath.uniform(rng, config.erasingAreaMin(), config.erasingAreaMax());
            double aspect =
                    AugmentMath.logUniform(rng, config.erasingAspectMin(), config.erasingAspectMax());
            long h = Math.round(Math.sqrt(target * aspect));
            long w = Math.round(Math.sqrt(target / aspect));
            // Strictly smaller than the image, as in the paper, so some of the original always remains.
            if (h >= 1 && w >= 1 && h < height && w < width) {
                int top = rng.nextInt(height - (int) h + 1);
                int left = rng.nextInt(width - (int) w + 1);
                int plane = height * width;
                for (int c = 0; c < channels; c++) {
                    float fill = (float) channelMean[c];
                    for (int y = top; y < top + h; y++) {
                        int row = c * plane + y * width;
                        for (int i = left; i < left + w; i++) {
                            out[row + i] = fill;
                        }
                    }
                }
                return;
            }
        }
    }

    private static void reverse(int[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static String shapeText(int channels, int height, int width) {
        return "[" + channels + ", " + height + ", " + width + "]";
    }

    @Override
    public String toString() {
        return "ImageAugmenter[channels=" + channels + ", height=" + height + ", width=" + width + "]";
    }
}
