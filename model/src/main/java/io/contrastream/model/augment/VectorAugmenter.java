package io.contrastream.model.augment;

import java.util.SplittableRandom;

/**
 * Augments a rank-1 feature vector of shape [d] with one global scale, per-feature Gaussian noise and
 * random feature masking, the tabular analogue of SimCLR's views (Chen et al. 2020).
 */
public final class VectorAugmenter implements Augmenter {

    private static final long serialVersionUID = 1L;

    private final int dim;
    private final AugmentConfig config;

    /**
     * Creates an augmenter for vectors of length {@code dim}.
     *
     * @param dim the vector length, in [1, Integer.MAX_VALUE]
     * @param config the settings; validated here so a bad one fails at wiring time, not per sample
     */
    public VectorAugmenter(int dim, AugmentConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        this.dim = AugmentMath.volume("[" + dim + "]", dim);
        this.config = config.validate();
    }

    /** Returns the vector length this augmenter accepts. */
    public int dim() {
        return dim;
    }

    /** Returns the settings this augmenter applies. */
    public AugmentConfig config() {
        return config;
    }

    @Override
    public float[] apply(float[] x, SplittableRandom rng) {
        AugmentMath.checkSample(x, dim, "[" + dim + "]", rng);
        double strength = config.strength();
        double scale = AugmentMath.scaleFactor(rng, config.scaleMin(), config.scaleMax(), strength);
        // Plain sigma, not relative to each feature's magnitude: vectors are expected to be
        // standardised upstream, and a relative sigma would leave zero-valued features untouched.
        double sigma = config.vectorNoiseStd() * strength;
        double maskProb = config.featureMaskProb();
        long maskBelow = Gaussians.threshold(maskProb);
        boolean draws = maskProb > 0 || sigma > 0;   // no draw at all when neither is on
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            long r = draws ? rng.nextLong() : 0;   // one draw: the mask takes its top bits, the noise the next ones
            if (Gaussians.below(r, maskBelow)) {
                continue; // out[i] is already 0
            }
            double v = x[i] * scale;
            if (sigma > 0) {
                v += sigma * Gaussians.of(r);
            }
            out[i] = AugmentMath.saturate(v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "VectorAugmenter[dim=" + dim + "]";
    }
}
