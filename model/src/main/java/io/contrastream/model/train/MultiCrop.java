package io.contrastream.model.train;

import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.ImageAugmenter;
import java.util.SplittableRandom;

/**
 * Multi-crop (Caron et al. 2020, SwAV §3.2) for MoCo: besides the two global views, {@code count} small local crops of
 * each sample (area fraction in [minArea, maxArea], resized back to the full input because the encoders take one input
 * size) go through the query encoder only, each contrasted with its sample's global key against the queue.
 *
 * @param count   local crops per sample, ≥ 1 (off is no MultiCrop at all)
 * @param minArea smallest area fraction of a local crop, in (0, maxArea]
 * @param maxArea largest area fraction of a local crop, in [minArea, 1]
 */
public record MultiCrop(int count, double minArea, double maxArea) {

    public MultiCrop {
        if (count < 1) throw new IllegalArgumentException("multi-crop needs at least 1 local crop, got " + count);
        if (!(minArea > 0 && minArea <= maxArea && maxArea <= 1)) {
            throw new IllegalArgumentException("local crop area must satisfy 0 < min <= max <= 1, got " + minArea + ", " + maxArea);
        }
    }

    /**
     * The augmenter of the local crops: the global one's recipe (photometric jitter, noise, erasing alike, as SwAV
     * keeps the colour distortions on its small crops) with the smaller crop area. Images only: a local crop of a
     * feature vector or a sensor window has no meaning the encoders share.
     */
    public Augmenter localAugmenter(Augmenter global) {
        if (!(global instanceof ImageAugmenter g)) {
            throw new IllegalArgumentException("multi-crop needs [C,H,W] images, got " + global);
        }
        return new ImageAugmenter(g.channels(), g.height(), g.width(),
                g.config().toBuilder().cropMinArea(minArea).cropMaxArea(maxArea).build());
    }

    /**
     * Writes the {@code count} local crops of sample {@code x} (row {@code row} of a batch of {@code b}) into
     * {@code out}, crop-major: crop c's B rows are contiguous, so that they stack under the global view's B rows and
     * line up with its keys. They draw from {@code rng} in order, after whatever the caller drew from it.
     */
    void crops(Augmenter local, float[] x, SplittableRandom rng, float[] out, int row, int b) {
        int d = x.length;
        for (int c = 0; c < count; c++) System.arraycopy(local.apply(x, rng), 0, out, (c * b + row) * d, d);
    }
}
