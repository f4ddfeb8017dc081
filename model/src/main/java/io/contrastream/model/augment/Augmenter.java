package io.contrastream.model.augment;

import java.io.Serializable;
import java.util.SplittableRandom;

/** A random, stateless transform that turns one sample into one augmented view. */
public interface Augmenter extends Serializable {

    /**
     * Returns a new augmented copy of {@code x}, drawing every random choice from {@code rng}.
     *
     * @param x the sample in row-major order; never modified
     * @param rng the caller's generator, so the same generator state always yields the same view
     * @return a new array of the same length as {@code x}
     */
    float[] apply(float[] x, SplittableRandom rng);
}
