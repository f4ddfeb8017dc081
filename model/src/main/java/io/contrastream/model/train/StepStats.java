package io.contrastream.model.train;

import java.io.Serializable;

/**
 * What one learner step measured; {@code skipped} steps (non-finite loss or gradient, or a gradient-norm spike) left
 * the weights unchanged. {@code gradientNorm} is the L2 norm of the query encoder's gradient (NaN when the loss was
 * not finite). {@code excludedNegatives} counts the query-negative pairs {@link QueueHygiene} left out; the queue's
 * age (steps since a key was enqueued) is summarised by its median and maximum.
 */
public record StepStats(
        long step,
        int batchSize,
        double loss,
        double positiveCosine,
        double negativeCosine,
        double queueFill,
        double gradientNorm,
        boolean skipped,
        int excludedNegatives,
        long queueAgeMedian,
        long queueAgeMax) implements Serializable {

    /** Wang & Isola (2020) alignment of the pair, from the positive cosine of unit vectors: |q−k|² = 2 − 2cos. */
    public double alignment() {
        return 2 - 2 * positiveCosine;
    }
}
