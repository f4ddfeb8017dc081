package io.contrastream.model.train;

import java.io.Serializable;

/** What one learner step measured; {@code skipped} steps (non-finite loss) left the weights unchanged. */
public record StepStats(
        long step,
        int batchSize,
        double loss,
        double positiveCosine,
        double negativeCosine,
        double queueFill,
        boolean skipped) implements Serializable {

    /** Wang & Isola (2020) alignment of the pair, from the positive cosine of unit vectors: |q−k|² = 2 − 2cos. */
    public double alignment() {
        return 2 - 2 * positiveCosine;
    }
}
