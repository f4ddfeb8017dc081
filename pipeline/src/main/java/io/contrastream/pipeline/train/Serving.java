package io.contrastream.pipeline.train;

import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.serve.WarmUp;

/**
 * How the served versions stay comparable ({@link ServingSpace}): the mechanism, the compatibility term's weight,
 * how many of the stream's first samples anchor the alignment, and the warm-up before a space's first version is
 * served ({@link WarmUp}: at least and at most so many learner steps, until the loss falls by less than
 * {@code warmupPlateau} per 50 steps; samples wait for that version).
 */
public record Serving(ServingSpace.Mechanism mechanism, double weight, int anchors, int warmupSteps, int warmupMaxSteps,
                      double warmupPlateau) implements java.io.Serializable {
    public static Serving off() {
        return new Serving(ServingSpace.Mechanism.NONE, 0, 1024, 0, 0, 0);
    }

    /** A fixed warm-up of {@code warmupSteps}. */
    public Serving(ServingSpace.Mechanism mechanism, double weight, int anchors, int warmupSteps) {
        this(mechanism, weight, anchors, warmupSteps, warmupSteps, 0);
    }

    WarmUp warmUp() {
        return new WarmUp(warmupSteps, warmupMaxSteps, warmupPlateau, WarmUp.WINDOW);
    }
}
