package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.loss.InfoNce;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A contrastive objective: the loss of a batch of positive pairs through the learner's query encoder, and what the
 * method keeps besides that encoder (a key encoder, a queue of past keys, a predictor), which it updates after each
 * accepted step and saves as its {@link LearnerState.Part}s. The {@link Learner} runs the step: back-propagation,
 * divergence guard, optimizer, counting. {@link LearnerConfig#method()} picks the implementation.
 */
interface Objective {

    /**
     * The loss of the batch at learner step {@code step}, through a forward pass of the query encoder, with its
     * gradient; a non-finite loss skips the step.
     */
    InfoNce.Result loss(Batch batch, long step);

    /** ∂L/∂(the query projections of the last loss) from the loss's gradient. */
    default INDArray backward(InfoNce.Result r) {
        return r.gradZ();
    }

    /** What follows an accepted update of the query encoder at {@code step}, before the learner counts it. */
    default void afterUpdate(Batch batch, long step) {}

    /** The query encoder was set to these weights (1×P): a key encoder takes them too (nothing to do without one). */
    default void warmStart(INDArray weights) {}

    /** What this objective keeps besides the query encoder, each saved as its own sections of a learner state. */
    default List<LearnerState.Part> parts() {
        return List.of();
    }

    /** The key (momentum / target) encoder's weights, a live view, or null without one. */
    default INDArray keyParams() { return null; }

    /** The queue of past keys, or null without one. */
    default NegativeQueue queue() { return null; }

    /** The predictor, or null without one. */
    default Predictor predictor() { return null; }

    /** The objective of {@code config}'s method, training {@code query} (an encoder of {@code encoder}). */
    static Objective of(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
        return switch (config.method()) {
            case MOCO -> new MocoObjective(encoder, config, query);
            case NNCLR -> new NnclrObjective(encoder, config, query);
            case SIMCLR -> new SimClrObjective(config, query);
            case BYOL -> new PredictiveObjective.Byol(encoder, config, query);
            case SIMSIAM -> new PredictiveObjective.SimSiam(encoder, config, query);
        };
    }
}
