package io.contrastream.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An encoder + projection head the learner can train: forward keeps what backward needs, backward writes the
 * gradient of all parameters into one flat array laid out like {@link #params()} (DL4J's layout, so snapshots of
 * either implementation load into {@link FrozenEncoder}).
 */
public interface TrainableEncoder {

    /** B×D rows in, B×p projections out; remembers the activations for {@link #backward}. */
    INDArray forward(INDArray x);

    /** Inference only: B×D rows in, B×p projections out. */
    INDArray infer(INDArray x);

    /** Inference only: B×D rows in, B×E embeddings (the backbone's output, before the projection head) out. */
    INDArray embed(INDArray x);

    /** Back-propagates ∂L/∂projections (B×p) of the last {@link #forward}; fills {@link #gradient()}. */
    void backward(INDArray gradOut);

    /**
     * As {@link #backward(INDArray)}, with a second loss term's gradient ∂L/∂embeddings (B×E) of the last forward
     * added where the backbone's output enters the head (null: none), e.g. {@code train.Compatibility}'s.
     */
    default void backward(INDArray gradOut, INDArray gradEmbedding) {
        if (gradEmbedding != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take an embedding gradient; "
                    + "compatibility training needs the CPU backend's encoders");
        }
        backward(gradOut);
    }

    /** The input rows (B×D) of the last {@link #forward}. */
    default INDArray lastInput() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not keep its last input");
    }

    /** The embeddings (B×E, the backbone's output) of the last {@link #forward}, a live view: do not modify. */
    default INDArray lastEmbedding() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not keep its last embeddings");
    }

    /**
     * From now on, batch-normalise the projection head's hidden layer (BYOL's and SimSiam's projector), over
     * {@code groups} equal row blocks of each batch apart; embeddings are not affected.
     */
    default void normalizeProjection(int groups) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " has no batch-normalised projection head; BYOL and SimSiam need the CPU backend's encoders");
    }

    /**
     * Zeroes the gradient at the parameters no optimizer may move (batch-norm running statistics, which the training
     * forward pass sets itself), e.g. after weight decay added λθ everywhere. None by default.
     */
    default void clearStatisticsGradient() {}

    /** All parameters, flat (1×P), a live view. */
    INDArray params();

    /** The gradient of the last backward pass, flat (1×P), same layout as {@link #params()}. */
    INDArray gradient();

    /**
     * The right implementation for a configuration: BLAS-direct for MLPs (ND4J's mmul on other backends); im2col +
     * sgemm for CNNs on the CPU backend, DL4J's own layers (cuDNN) on others.
     */
    static TrainableEncoder create(EncoderConfig config) {
        if (config.architecture() == EncoderConfig.Architecture.MLP) return new DenseEncoder(config);
        boolean direct = io.contrastream.model.linalg.Blas.direct();
        if (config.convBatchNorm() && !direct) {
            // DL4J's layer returns its running-statistic updates as "gradients", which the learner's optimizer would
            // then rescale as if they were gradients.
            throw new UnsupportedOperationException("convBatchNorm needs the CPU backend's encoders");
        }
        return direct ? new ConvEncoder(config) : new Dl4jEncoder(config);
    }
}
