package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.linalg.Blas;
import io.contrastream.model.loss.InfoNce;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The online learner of every method: the query (online) encoder, its optimizer, the divergence guard and the step
 * counter, trained step by step with the {@link Objective} that {@link LearnerConfig#method()} names (MoCo v2 by
 * default), which owns whatever else the method keeps (a key encoder, a queue of past keys, a predictor). All of it is
 * checkpointed by {@link LearnerState}.
 *
 * <p>Losses are computed outside the network and back-propagated as an external error; the optimizer
 * ({@link OptimizerStep}: Adam or Nesterov) runs on the flat gradient. Not thread-safe: one learner per thread.
 */
public final class Learner {

    private final EncoderConfig encoder;
    private final LearnerConfig config;
    private final TrainableEncoder query;
    private final OptimizerStep optimizer;
    private final Objective objective;
    private final Batch batch;
    private double lastNorm;                // gradient norm of the last backpropAndUpdate
    private long step;
    private long skippedSteps;
    private final DivergenceGuard guard = new DivergenceGuard();
    private Compatibility compatibility;    // null: no backward-compatibility term

    public Learner(EncoderConfig encoder, LearnerConfig config) {
        this.encoder = encoder;
        this.config = config;
        this.query = TrainableEncoder.create(encoder);
        this.optimizer = OptimizerStep.of(config.updater(), query.params().length());
        this.objective = Objective.of(encoder, config, query);
        this.batch = new Batch(encoder.inputSize());
    }

    /** One training step on a batch of positive pairs without sample ids (no same-id masking). */
    public StepStats step(float[] view1, float[] view2, int b) {
        return step(view1, view2, null, b);
    }

    /**
     * One training step on a batch of positive pairs, each view given as B rows of {@link EncoderConfig#inputSize()}
     * values, row-major; {@code ids} are the B samples' {@link SampleIds} fingerprints (null = unknown).
     */
    public StepStats step(float[] view1, float[] view2, long[] ids, int b) {
        return step(view1, view2, null, 0, ids, b);
    }

    /**
     * As {@link #step(float[], float[], long[], int)}, with {@code count} local crops of each sample in {@code locals}
     * (crop-major: crop c's B rows together, see {@link MultiCrop}); MoCo only.
     */
    public StepStats step(float[] view1, float[] view2, float[] locals, int count, long[] ids, int b) {
        int d = encoder.inputSize();
        if (count != 0 && config.method() != LearnerConfig.Method.MOCO) {
            throw new IllegalArgumentException("multi-crop is built for MoCo only, not " + config.method());
        }
        if (count != 0 && (count < 0 || locals == null || locals.length < (long) count * b * d)) {
            throw new IllegalArgumentException(count + " local crops of " + b + " samples need " + ((long) count * b * d) + " values");
        }
        if (b <= 0 || view1.length < b * d || view2.length < b * d) {
            throw new IllegalArgumentException("a batch of " + b + " pairs needs " + (b * d) + " values per view");
        }
        batch.set(view1, view2, locals, count, ids, b);
        InfoNce.Result r = objective.loss(batch, step);                           // the method's loss, ∂L/∂(its output)
        if (!Double.isFinite(r.loss()) || !backpropAndUpdate(objective.backward(r))) {
            skippedSteps++;                                                       // keep the last good weights
            return stats(b, r, Double.isFinite(r.loss()) ? lastNorm : Double.NaN, true);   // the norm of a refused gradient
        }
        objective.afterUpdate(batch, step);                                       // the key encoder, queue, predictor follow
        step++;
        return stats(b, r, lastNorm, false);
    }

    /**
     * ∂L/∂z back through the query encoder, then, unless the divergence guard refuses the gradient (false: the last
     * good weights stay), weight decay and the optimizer step; {@link #lastNorm} is the gradient's norm either way.
     */
    private boolean backpropAndUpdate(INDArray gradZ) {
        INDArray gradE = compatibility != null && compatibility.active()
                ? compatibility.gradient(query.lastInput(), query.lastEmbedding())       // B×E: λ·∂L_c/∂e
                : null;
        query.backward(gradZ, gradE);                                             // P: ∂L/∂θ_q
        INDArray grad = query.gradient();
        lastNorm = Blas.norm2(grad);
        if (!guard.accept(lastNorm)) return false;
        if (config.weightDecay() > 0) Blas.axpy((float) config.weightDecay(), query.params(), grad);   // P: g + λθ (L2)
        query.clearStatisticsGradient();                                          // running statistics are not trained
        optimizer.apply(grad, step);                                              // P: Adam/Nesterov step, in place
        Blas.axpy(-1f, grad, query.params());                                     // θ_q ← θ_q − update
        return true;
    }

    private StepStats stats(int b, InfoNce.Result r, double norm, boolean skipped) {
        NegativeQueue queue = objective.queue();
        long[] age = queue == null ? new long[2] : queue.ageMedianAndMax(step);
        return new StepStats(step, b, r.loss(), r.positiveCosine(), r.negativeCosine(), queue == null ? 0 : queue.fill(),
                norm, skipped, r.excluded(), age[0], age[1]);
    }

    /** A copy of the query encoder's weights, tagged with the given version. */
    public Snapshot snapshot(long version) {
        return new Snapshot(version, step, encoder, Nd4j.toFlattened(query.params()).toFloatVector());
    }

    /**
     * Starts from a published encoder's weights instead of a random initialisation (the checkpoints were lost, the
     * snapshot topic was not): the query encoder and a key encoder take them; optimizer moments, queue, predictor and
     * the step count start afresh (Adam's bias correction needs the step of its moments).
     */
    public void warmStart(float[] weights) {
        if (weights.length != query.params().length()) {
            throw new IllegalArgumentException("warm start: the snapshot has " + weights.length + " weights, the encoder "
                    + query.params().length());
        }
        INDArray w = Nd4j.create(weights, query.params().shape(), DataType.FLOAT);
        query.params().assign(w);
        objective.warmStart(w);
    }

    /** Adds a backward-compatibility term to every step from now on (null: none). */
    public void compatibility(Compatibility c) { this.compatibility = c; }

    public Compatibility compatibility() { return compatibility; }

    /** A copy of the key (momentum / target) encoder's weights, tagged with the given version; MoCo, NNCLR, BYOL. */
    public Snapshot keySnapshot(long version) {
        INDArray key = objective.keyParams();
        if (key == null) throw new IllegalStateException(config.method() + " has no key encoder");
        return new Snapshot(version, step, encoder, Nd4j.toFlattened(key).toFloatVector());
    }

    public long step() { return step; }

    public long skippedSteps() { return skippedSteps; }

    /** MoCo's and NNCLR's queue of past keys; null for the methods without one. */
    public NegativeQueue queue() { return objective.queue(); }

    public EncoderConfig encoderConfig() { return encoder; }

    public LearnerConfig config() { return config; }

    INDArray queryParams() { return query.params(); }

    /** The method's objective, with what it keeps besides the query encoder. */
    Objective objective() { return objective; }

    /** The optimizer with its state (e.g. Adam's moments). */
    OptimizerStep optimizer() { return optimizer; }

    public DivergenceGuard guard() { return guard; }

    void restoreCounters(long step, long skippedSteps, double gradientScale) {
        this.step = step;
        this.skippedSteps = skippedSteps;
        guard.restore(gradientScale, gradientScale > 0 ? step : 0);   // accepted steps = steps taken
    }
}
