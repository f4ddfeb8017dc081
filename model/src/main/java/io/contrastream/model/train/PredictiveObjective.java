package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.loss.CosineRegression;
import io.contrastream.model.loss.InfoNce;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The negative-free objectives: both views through the online encoder and the predictor (which they own), each
 * prediction regressed onto a target network's projection of the other view, 2 − 2cos; no queue. The heads
 * batch-normalise their hidden layers, so a batch needs at least 2 pairs.
 */
abstract class PredictiveObjective implements Objective {

    /** Batch norm needs 2 rows a view: a batch of one pair is skipped. */
    private static final InfoNce.Result ONE_PAIR = new InfoNce.Result(Double.NaN, null, Double.NaN, Double.NaN, 0);

    final TrainableEncoder query;
    private final Predictor predictor;

    PredictiveObjective(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
        this.query = query;
        this.predictor = new Predictor(encoder.projectionDim(), encoder.projectionHidden(), config, encoder.seed());
        // Their projectors batch-normalise the hidden layer (each view's B rows apart): without it both collapsed on
        // Fashion-MNIST (BENCHMARKS.md, the family of methods).
        query.normalizeProjection(2);
    }

    /** The target network's projections of 2B×D rows, without gradient. */
    abstract INDArray targets(INDArray x);

    @Override
    public InfoNce.Result loss(Batch x, long step) {
        if (x.b() < 2) return ONE_PAIR;
        INDArray t = targets(x.swapped()).dup();                                  // 2B×p: targets of the other view
        INDArray z = query.forward(x.pair());                                     // 2B×p: online projections
        INDArray p = predictor.forward(z);                                        // 2B×p: predictions
        return CosineRegression.compute(p, t);                                    // mean 2 − 2cos(p, t)
    }

    @Override
    public INDArray backward(InfoNce.Result r) {
        return predictor.backward(r.gradZ());                                     // 2B×p: ∂L/∂z through the predictor
    }

    @Override
    public void afterUpdate(Batch x, long step) {
        predictor.update(step);                                                   // φ ← φ − update
    }

    @Override
    public List<LearnerState.Part> parts() {
        return List.of(predictor);
    }

    @Override
    public Predictor predictor() { return predictor; }

    /** BYOL (Grill et al. 2020): the target is a momentum encoder, which then follows the online one. */
    static final class Byol extends PredictiveObjective {

        private final MomentumEncoder key;

        Byol(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
            super(encoder, config, query);
            this.key = new MomentumEncoder(encoder, query, config.momentum());
            key.normalizeProjection(2);
        }

        @Override
        INDArray targets(INDArray x) {
            return key.infer(x);
        }

        @Override
        public void afterUpdate(Batch x, long step) {
            super.afterUpdate(x, step);
            key.follow();                                                         // ξ ← m·ξ + (1−m)·θ
        }

        @Override
        public void warmStart(INDArray weights) {
            key.params().assign(weights);
        }

        @Override
        public List<LearnerState.Part> parts() {
            return List.of(key, predictor());
        }

        @Override
        public INDArray keyParams() { return key.params(); }
    }

    /** SimSiam (Chen and He 2021): the target is the online encoder itself, its gradient stopped. */
    static final class SimSiam extends PredictiveObjective {

        SimSiam(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
            super(encoder, config, query);
        }

        @Override
        INDArray targets(INDArray x) {
            return query.infer(x);
        }
    }
}
