package io.contrastream.model.train;

import io.contrastream.model.loss.InfoNce;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A contrastive objective: the loss of a batch of positive pairs and what follows an accepted update, using the
 * networks, queue and predictor that the {@link Learner} holds and checkpoints; the learner runs the step (back-propagation,
 * divergence guard, optimizer, counting). {@link LearnerConfig#method()} picks the implementation. An objective keeps
 * only scratch buffers, so the learner's state is all there is to save.
 */
interface Objective {

    /**
     * The loss of the batch through the query encoder (its forward pass) and its gradient; a non-finite loss skips
     * the step.
     */
    InfoNce.Result loss(Learner learner, Batch batch);

    /** ∂L/∂(the query projections) from the loss's gradient. */
    default INDArray backward(Learner learner, InfoNce.Result r) {
        return r.gradZ();
    }

    /** What follows an accepted update of the query encoder, before the learner counts the step. */
    default void afterUpdate(Learner learner, Batch batch) {}

    static Objective of(LearnerConfig.Method method) {
        return switch (method) {
            case MOCO -> new MocoObjective();
            case NNCLR -> new NnclrObjective();
            case SIMCLR -> new SimClrObjective();
            case BYOL -> new PredictiveObjective.Byol();
            case SIMSIAM -> new PredictiveObjective.SimSiam();
        };
    }
}
