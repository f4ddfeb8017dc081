package io.contrastream.model.train;

import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.loss.CosineRegression;
import io.contrastream.model.loss.InfoNce;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The negative-free objectives: both views through the online encoder and the predictor, each prediction regressed
 * onto a target network's projection of the other view, 2 − 2cos; the queue is left alone. The heads batch-normalise
 * their hidden layers, so a batch needs at least 2 pairs.
 */
abstract class PredictiveObjective implements Objective {

    /** The network whose projections are the targets; its gradient is never taken. */
    abstract TrainableEncoder target(Learner l);

    /** Batch norm needs 2 rows a view: a batch of one pair is skipped. */
    private static final InfoNce.Result ONE_PAIR = new InfoNce.Result(Double.NaN, null, Double.NaN, Double.NaN, 0);

    @Override
    public InfoNce.Result loss(Learner l, Batch x) {
        if (x.b() < 2) return ONE_PAIR;
        INDArray t = target(l).infer(x.swapped()).dup();                          // 2B×p: targets of the other view
        INDArray z = l.query().forward(x.pair());                                 // 2B×p: online projections
        INDArray p = l.predictor().forward(z);                                    // 2B×p: predictions
        return CosineRegression.compute(p, t);                                    // mean 2 − 2cos(p, t)
    }

    @Override
    public INDArray backward(Learner l, InfoNce.Result r) {
        return l.predictor().backward(r.gradZ());                                 // 2B×p: ∂L/∂z through the predictor
    }

    @Override
    public void afterUpdate(Learner l, Batch x) {
        l.predictor().update(l.step());                                           // φ ← φ − update
    }

    /** BYOL (Grill et al. 2020): the target is the momentum encoder, which then follows the online one. */
    static final class Byol extends PredictiveObjective {
        @Override
        TrainableEncoder target(Learner l) {
            return l.key();
        }

        @Override
        public void afterUpdate(Learner l, Batch x) {
            super.afterUpdate(l, x);
            l.momentumUpdate();                                                   // ξ ← m·ξ + (1−m)·θ
        }
    }

    /** SimSiam (Chen and He 2021): the target is the online encoder itself, its gradient stopped. */
    static final class SimSiam extends PredictiveObjective {
        @Override
        TrainableEncoder target(Learner l) {
            return l.query();
        }
    }
}
