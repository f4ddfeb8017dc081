package io.contrastream.pipeline.augment;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.pipeline.decode.Instance;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Makes the positive pair of each sample. The randomness comes from (seed, sample id), so a sample gets the same
 * views whatever the parallelism and however often it is replayed. When the learner makes the views itself (it
 * standardises inputs first), the pair carries the raw sample alone: views made here would travel and be thrown away.
 */
public class AugmentFunction extends RichMapFunction<Instance, ViewPair> {

    private final int[] shape;
    private final double strength;
    private final long seed;
    private final boolean views;
    private transient Augmenter augmenter;

    /** With {@code views} false, pairs carry only the raw sample, for a learner that augments it itself. */
    public AugmentFunction(int[] shape, double strength, long seed, boolean views) {
        this.shape = shape.clone();
        this.strength = strength;
        this.seed = seed;
        this.views = views;
    }

    @Override
    public void open(OpenContext context) {
        augmenter = Augmenters.forShape(shape, AugmentConfig.defaults().withStrength(strength));
    }

    @Override
    public ViewPair map(Instance x) {
        if (!views) return new ViewPair(x.id, null, null, x.values);
        TwoViews pair = Augmenters.twoViews(augmenter, x.values, Augmenters.rngFor(seed, x.id));
        return new ViewPair(x.id, pair.first(), pair.second(), x.values);
    }
}
