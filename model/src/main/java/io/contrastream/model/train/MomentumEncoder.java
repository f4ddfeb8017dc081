package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.linalg.Blas;
import io.contrastream.model.state.StateCodec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A key encoder that starts as a copy of the query encoder and follows it by exponential moving average: MoCo's
 * momentum encoder, BYOL's target. Its gradient is never taken.
 */
final class MomentumEncoder implements LearnerState.Part {

    private final TrainableEncoder query;
    private final TrainableEncoder key;
    private final float m;

    MomentumEncoder(EncoderConfig encoder, TrainableEncoder query, double momentum) {
        this.query = query;
        this.key = TrainableEncoder.create(encoder);
        key.params().assign(query.params());    // MoCo initialises the key encoder as a copy of the query encoder
        this.m = (float) momentum;
    }

    /** Inference only: B×D rows in, B×p projections out. */
    INDArray infer(INDArray x) {
        return key.infer(x);
    }

    /** One step of the average, after an update of the query encoder. */
    void follow() {
        Blas.scal(m, key.params());                                               // θ_k ← m·θ_k
        Blas.axpy(1 - m, query.params(), key.params());                           //      + (1−m)·θ_q
    }

    /** As the query encoder's {@link TrainableEncoder#normalizeProjection}, so that both heads are alike. */
    void normalizeProjection(int groups) {
        key.normalizeProjection(groups);
    }

    /** Its weights as the "key" section of a saved learner state. */
    @Override
    public void save(StateCodec.Writer state) {
        state.section("key", out -> LearnerState.writeArray(out, key.params()));
    }

    @Override
    public void restore(StateCodec.Reader state) {
        state.read("key", in -> LearnerState.assign(key.params(), StateCodec.readFloats(in), "key encoder"));
    }

    /** All parameters, flat (1×P), a live view. */
    INDArray params() {
        return key.params();
    }
}
