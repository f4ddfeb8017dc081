package io.contrastream.pipeline.common;

import io.contrastream.model.augment.Augmenters;
import java.io.Serializable;

/**
 * Picks the held-out probe samples: a fixed, seeded fraction of the labelled samples, chosen by id so every operator
 * agrees. Probe samples are embedded and monitored but never trained on, so the online kNN monitor measures
 * generalisation, not memory.
 */
public final class ProbeSelector implements Serializable {

    private final double fraction;
    private final long seed;

    public ProbeSelector(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 0.5)) throw new IllegalArgumentException("probe fraction must be in [0, 0.5], got " + fraction);
        this.fraction = fraction;
        this.seed = seed ^ 0x50524F4245L;   // "PROBE": independent of the augmentation draws of the same id
    }

    /** Whether the sample of this id and label (negative: none) is held out as a probe. */
    public boolean isProbe(String id, int label) {
        return fraction > 0 && label >= 0 && Augmenters.rngFor(seed, id).nextDouble() < fraction;
    }
}
