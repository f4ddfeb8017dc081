package io.contrastream.model.train;

/**
 * A contrastive objective: one training step on a batch of positive pairs, using the networks, optimizer, queue and
 * predictor that the {@link Learner} holds and checkpoints. {@link LearnerConfig#method()} picks the implementation.
 * An objective keeps only scratch buffers, so the learner's state is all there is to save.
 */
interface Objective {

    /** Trains on a batch of B pairs. */
    StepStats step(Learner learner, Batch batch);

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
