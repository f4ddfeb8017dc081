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

    /** Back-propagates ∂L/∂projections (B×p) of the last {@link #forward}; fills {@link #gradient()}. */
    void backward(INDArray gradOut);

    /** All parameters, flat (1×P), a live view. */
    INDArray params();

    /** The gradient of the last backward pass, flat (1×P), same layout as {@link #params()}. */
    INDArray gradient();

    /** The right implementation for a configuration: BLAS-direct for MLPs, DL4J layers for CNNs. */
    static TrainableEncoder create(EncoderConfig config) {
        return config.architecture() == EncoderConfig.Architecture.MLP ? new DenseEncoder(config) : new Dl4jEncoder(config);
    }
}
