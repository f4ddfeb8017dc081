package io.contrastream.model.train;

/**
 * A contrastive objective: one training step on a batch of positive pairs, using the networks, optimizer, queue and
 * predictor that the {@link Learner} holds and checkpoints. {@link LearnerConfig#method()} picks the implementation.
 * An objective keeps only scratch buffers, so the learner's state is all there is to save.
 */
interface Objective {

    /**
     * Trains on B pairs: {@code view1} and {@code view2} hold B rows of the input each, row i of both being views of
     * the same sample; {@code ids} are the samples' {@link SampleIds} (null = unknown).
     */
    StepStats step(Learner learner, float[] view1, float[] view2, long[] ids, int b);

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
