package io.contrastream.model.train;

import io.contrastream.model.encoder.DenseEncoder;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.state.StateCodec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The predictor of BYOL and SimSiam: an MLP p → h → h → p (batch norm and ReLU in the hidden layers, linear output)
 * on the online projections of a 2B-row pair batch, trained with its own optimizer state; its asymmetry against the stop-gradient target is what keeps these negative-free
 * methods from collapsing.
 */
final class Predictor implements LearnerState.Part {

    private final DenseEncoder net;
    private final OptimizerStep optimizer;

    Predictor(int dim, int hidden, LearnerConfig config, long seed) {
        this.net = new DenseEncoder(new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {dim}, new int[0], hidden, hidden, dim, seed ^ 0x50524544L));
        net.normalizeHidden(0, 2);   // BN in the hidden layers, each view's rows apart, as both papers' predictors
        // The predictor learns at 10× the encoder's rate: Tian et al. (2021) found its relative learning rate decides
        // whether these methods collapse, and at 1× SimSiam fell below the collapse bound on the test stream.
        this.optimizer = OptimizerStep.of(config.updater(10 * config.learningRate()), net.params().length());
    }

    /** n×p projections in, n×p predictions out; keeps what {@link #backward} needs. */
    INDArray forward(INDArray z) {
        return net.forward(z);
    }

    /** ∂L/∂predictions in; fills the predictor's gradient and returns ∂L/∂projections. */
    INDArray backward(INDArray gradP) {
        return net.backwardToInput(gradP);
    }

    /** One optimizer step on the predictor's gradient of the last backward. */
    void update(long step) {
        INDArray grad = net.gradient();
        optimizer.apply(grad, step);
        net.params().subi(grad);
    }

    /** Its weights and optimizer state as the "predictor" section of a saved learner state. */
    @Override
    public void save(StateCodec.Writer state) {
        state.section("predictor", out -> {
            LearnerState.writeArray(out, net.params());
            LearnerState.writeFloats(out, optimizer.state());
        });
    }

    @Override
    public void restore(StateCodec.Reader state) {
        state.read("predictor", in -> {
            LearnerState.assign(net.params(), StateCodec.readFloats(in), "predictor");
            optimizer.restore(StateCodec.readFloats(in), "predictor optimizer state");
        });
    }

    INDArray params() { return net.params(); }

    OptimizerStep optimizer() { return optimizer; }
}
