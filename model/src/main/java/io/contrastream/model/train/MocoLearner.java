package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.linalg.Blas;
import io.contrastream.model.loss.CosineRegression;
import io.contrastream.model.loss.DebiasedInfoNce;
import io.contrastream.model.loss.InfoNce;
import io.contrastream.model.loss.NtXent;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Online MoCo v2 (He et al. 2020; Chen et al. 2020): a query encoder trained by InfoNCE against the key of the
 * other view and a queue of past keys, and a key encoder that follows it by exponential moving average.
 *
 * <p>The InfoNCE gradient is computed outside the network and back-propagated as an external error; the optimizer
 * (ND4J's Adam or Nesterov updater) runs on the flat gradient. With {@link LearnerConfig.Method#SIMCLR} the same
 * learner trains SimCLR instead: both views through the query encoder, NT-Xent over the batch, no key encoder or queue.
 * Not thread-safe: one learner per thread.
 */
public final class MocoLearner {

    private final EncoderConfig encoder;
    private final LearnerConfig config;
    private final TrainableEncoder query;
    private final TrainableEncoder key;
    private final INDArray updaterState;
    private final GradientUpdater<?> updater;
    private final NegativeQueue queue;
    private final INDArray[] inputs = new INDArray[2];
    private int[] excluded = new int[64];   // reused cell list of the exclusions
    private int[] neighbours = new int[0];  // NNCLR: the queue row chosen as each query's positive
    private final Predictor predictor;      // BYOL and SimSiam only
    private double lastNorm;                // gradient norm of the last backpropAndUpdate
    private long step;
    private long skippedSteps;
    private final DivergenceGuard guard = new DivergenceGuard();

    public MocoLearner(EncoderConfig encoder, LearnerConfig config) {
        this.encoder = encoder;
        this.config = config;
        this.query = TrainableEncoder.create(encoder);
        this.key = TrainableEncoder.create(encoder);
        key.params().assign(query.params());    // MoCo initialises the key encoder as a copy of the query encoder
        IUpdater u = config.updater();
        long stateSize = u.stateSize(query.params().length());
        this.updaterState = stateSize == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, stateSize);
        this.updater = u.instantiate(updaterState, true);
        this.queue = new NegativeQueue(config.queueSize(), encoder.projectionDim(), DataType.FLOAT);
        boolean predictive = config.method() == LearnerConfig.Method.BYOL || config.method() == LearnerConfig.Method.SIMSIAM;
        this.predictor = predictive ? new Predictor(encoder.projectionDim(), encoder.projectionHidden(), config, encoder.seed()) : null;
        if (predictive) {
            // Their projectors batch-normalise the hidden layer (each view's B rows apart): without it both collapsed on
            // Fashion-MNIST (BENCHMARKS.md, the family of methods).
            query.normalizeProjection(2);
            key.normalizeProjection(2);
        }
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
        int d = encoder.inputSize();
        if (b <= 0 || view1.length < b * d || view2.length < b * d) {
            throw new IllegalArgumentException("a batch of " + b + " pairs needs " + (b * d) + " values per view");
        }
        if (config.method() == LearnerConfig.Method.SIMCLR) return simclrStep(view1, view2, config.hygiene().maskSameId() ? ids : null, b, d);
        if (predictor != null) return predictiveStep(view1, view2, b, d);
        INDArray x1 = input(0, view1, b, d);                                     // B×D
        INDArray x2 = input(1, view2, b, d);                                     // B×D

        INDArray z = query.forward(x1);                                           // B×p: query projections
        INDArray k = key.infer(x2);                                               // B×p: keys, no gradient
        normalizeRows(k);                                                         // B×p: unit keys
        boolean nnclr = config.method() == LearnerConfig.Method.NNCLR;
        INDArray positive = nnclr ? nearestInQueue(k, ids) : k;                  // B×p

        InfoNce.Result r = loss(z, positive, exclusions(ids, b, nnclr ? neighbours : null));
        if (!Double.isFinite(r.loss())) return skip(b, r, Double.NaN);              // keep the last good weights
        if (!backpropAndUpdate(r.gradZ())) return skip(b, r, lastNorm);           // a spike: keep the last good weights
        momentumUpdate();                                                         // θ_k ← m·θ_k + (1−m)·θ_q
        queue.enqueue(k, ids, step);                                              // K×p: newest keys replace oldest
        step++;
        return stats(b, r, lastNorm, false);
    }

    /**
     * ∂L/∂z back through the query encoder, then, unless the divergence guard refuses the gradient (false: the last
     * good weights stay), weight decay and the optimizer step; {@link #lastNorm} is the gradient's norm either way.
     */
    private boolean backpropAndUpdate(INDArray gradZ) {
        query.backward(gradZ);                                                    // P: ∂L/∂θ_q
        INDArray grad = query.gradient();
        lastNorm = grad.norm2Number().doubleValue();
        if (!guard.accept(lastNorm)) return false;
        if (config.weightDecay() > 0) Blas.axpy((float) config.weightDecay(), query.params(), grad);   // P: g + λθ (L2)
        updater.applyUpdater(grad, (int) step, 0);                                // P: Adam/Nesterov step, in place
        query.params().subi(grad);                                                // θ_q ← θ_q − update
        return true;
    }

    /** The key (target) encoder follows the query encoder by exponential moving average. */
    private void momentumUpdate() {
        float m = (float) config.momentum();
        Blas.scal(m, key.params());                                               // θ_k ← m·θ_k
        Blas.axpy(1 - m, query.params(), key.params());                           //      + (1−m)·θ_q
    }

    /**
     * NNCLR's positives: for each unit key, the most similar queued key not of the same sample and not past the age
     * limit (the key itself while there is none); the chosen rows go to {@link #neighbours} (−1 = none), so that the
     * positive is not also counted as a negative.
     */
    private INDArray nearestInQueue(INDArray k, long[] ids) {
        int b = (int) k.size(0);
        if (neighbours.length < b) neighbours = new int[b];
        java.util.Arrays.fill(neighbours, -1);
        int size = queue.size();
        if (size == 0) return k;
        INDArray support = queue.negatives();                                     // K×p
        float[] sim = Nd4j.toFlattened('c', k.mmul(support.transpose())).toFloatVector();   // B×K, flattened
        INDArray out = k.dup();
        int maxAge = config.hygiene().maxAge();
        for (int i = 0; i < b; i++) {
            int best = -1;
            for (int j = 0; j < size; j++) {
                if (ids != null && ids[i] != 0 && queue.id(j) == ids[i]) continue;
                if (maxAge > 0 && queue.age(j, step) > maxAge) continue;
                if (best < 0 || sim[i * size + j] > sim[i * size + best]) best = j;
            }
            neighbours[i] = best;
            if (best >= 0) out.getRow(i).assign(support.getRow(best));
        }
        return out;
    }

    /** One SimCLR step (Chen et al. 2020): the 2B views through the query encoder, NT-Xent (same-id rows masked), update. */
    private StepStats simclrStep(float[] view1, float[] view2, long[] ids, int b, int d) {
        INDArray x = pairInput(view1, view2, b, d);                               // 2B×D: view 1 rows, then view 2
        INDArray z = query.forward(x);                                            // 2B×p
        InfoNce.Result r = NtXent.compute(z, config.temperature(), ids);          // 2B anchors, ≤ 2B − 2 negatives each
        if (!Double.isFinite(r.loss())) return skip(b, r, Double.NaN);
        if (!backpropAndUpdate(r.gradZ())) return skip(b, r, lastNorm);
        step++;
        return stats(b, r, lastNorm, false);
    }

    /**
     * One BYOL or SimSiam step: both views through the online encoder and the predictor, each prediction regressed
     * onto the target's projection of the other view (BYOL: the momentum encoder; SimSiam: the online encoder, its
     * gradient stopped), 2 − 2cos; no negatives, so the queue is left alone.
     */
    private StepStats predictiveStep(float[] view1, float[] view2, int b, int d) {
        boolean byol = config.method() == LearnerConfig.Method.BYOL;
        if (b < 2) return skip(b, new InfoNce.Result(Double.NaN, null, Double.NaN, Double.NaN, 0), Double.NaN);   // BN needs 2 rows a view
        INDArray swapped = pairInput(1, view2, view1, b, d);                     // 2B×D: the other view of each row
        INDArray t = (byol ? key : query).infer(swapped).dup();                  // 2B×p: targets, no gradient
        INDArray z = query.forward(pairInput(0, view1, view2, b, d));           // 2B×p: online projections
        INDArray p = predictor.forward(z);                                       // 2B×p: predictions
        InfoNce.Result r = CosineRegression.compute(p, t);                       // mean 2 − 2cos(p, t)
        if (!Double.isFinite(r.loss())) return skip(b, r, Double.NaN);
        if (!backpropAndUpdate(predictor.backward(r.gradZ()))) return skip(b, r, lastNorm);   // through predictor, encoder
        predictor.update(step);                                                   // φ ← φ − update
        if (byol) momentumUpdate();                                               // ξ ← m·ξ + (1−m)·θ
        step++;
        return stats(b, r, lastNorm, false);
    }

    private INDArray pairInput(float[] view1, float[] view2, int b, int d) {
        return pairInput(0, view1, view2, b, d);
    }

    /** The two views stacked in one reused 2B×D buffer: {@code first}'s rows, then {@code second}'s. */
    private INDArray pairInput(int which, float[] first, float[] second, int b, int d) {
        if (inputs[which] == null || inputs[which].size(0) != 2L * b) inputs[which] = Nd4j.createUninitialized(DataType.FLOAT, 2L * b, d);
        java.nio.FloatBuffer buffer = inputs[which].data().asNioFloat();
        buffer.put(0, first, 0, b * d);
        buffer.put(b * d, second, 0, b * d);
        return inputs[which];
    }

    /** InfoNCE against the queue; the debiased / hard-negative form when configured (a slower, double-precision path). */
    private InfoNce.Result loss(INDArray z, INDArray k, InfoNce.Exclusions exclusions) {
        LearnerConfig.Debiasing d = config.debiasing();
        return d.active()
                ? DebiasedInfoNce.compute(z, k, queue.negatives(), config.temperature(), d.classPrior(), d.hardness(), exclusions)
                : InfoNce.compute(z, k, queue.negatives(), config.temperature(), exclusions);
    }

    /** A skipped step: weights, optimizer and queue untouched (the divergence guard). */
    private StepStats skip(int b, InfoNce.Result r, double norm) {
        skippedSteps++;
        return stats(b, r, norm, true);
    }

    private StepStats stats(int b, InfoNce.Result r, double norm, boolean skipped) {
        long[] age = queue.ageMedianAndMax(step);
        return new StepStats(step, b, r.loss(), r.positiveCosine(), r.negativeCosine(), queue.fill(), norm, skipped,
                r.excluded(), age[0], age[1]);
    }

    /**
     * The query-negative pairs {@link QueueHygiene} rules out: a queued key of the query's own sample, and every key
     * older than the age limit; then, for NNCLR, each query's chosen neighbour ({@code neighbours}, −1 = none). One
     * hash lookup per queue row, so O(K + B) rather than O(B·K) comparisons.
     */
    private InfoNce.Exclusions exclusions(long[] ids, int b, int[] neighbours) {
        QueueHygiene h = config.hygiene();
        int k = queue.size();
        boolean byId = h.maskSameId() && ids != null;
        int n = 0;
        if (byId || h.maxAge() > 0) {
            java.util.Map<Long, int[]> rowsOf = new java.util.HashMap<>();   // sample id → the batch rows holding it
            if (byId) {
                for (int i = 0; i < b; i++) {
                    if (ids[i] == 0) continue;
                    int[] prev = rowsOf.get(ids[i]);
                    int[] next = prev == null ? new int[1] : java.util.Arrays.copyOf(prev, prev.length + 1);
                    next[next.length - 1] = i;
                    rowsOf.put(ids[i], next);
                }
            }
            for (int j = 0; j < k; j++) {
                if (h.maxAge() > 0 && queue.age(j, step) > h.maxAge()) {
                    for (int i = 0; i < b; i++) n = cell(n, i * k + j);
                    continue;
                }
                int[] rows = byId && queue.id(j) != 0 ? rowsOf.get(queue.id(j)) : null;
                if (rows != null) for (int i : rows) n = cell(n, i * k + j);
            }
        }
        // A neighbour is never of the query's sample nor too old (nearestInQueue skips those), so never counted twice.
        if (neighbours != null) for (int i = 0; i < b; i++) if (neighbours[i] >= 0) n = cell(n, i * k + neighbours[i]);
        return new InfoNce.Exclusions(excluded, n, h.maxNegativeCosine());
    }

    private int cell(int n, int index) {
        if (n == excluded.length) excluded = java.util.Arrays.copyOf(excluded, Math.max(64, 2 * n));
        excluded[n] = index;
        return n + 1;
    }

    /** Scales each row of a c-ordered float matrix to unit length, as a plain loop (B×p is small). */
    private static void normalizeRows(INDArray m) {
        java.nio.FloatBuffer v = m.data().asNioFloat();
        int rows = (int) m.size(0);
        int cols = (int) m.size(1);
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) s += (double) v.get(i * cols + j) * v.get(i * cols + j);
            float inv = (float) (1 / (Math.sqrt(s) + 1e-12));
            for (int j = 0; j < cols; j++) v.put(i * cols + j, v.get(i * cols + j) * inv);
        }
        java.lang.ref.Reference.reachabilityFence(m);   // the NIO view does not keep the native buffer alive
    }

    /** Copies a view into a reused B×D input buffer (fresh off-heap arrays per step cost page faults). */
    private INDArray input(int which, float[] rows, int b, int d) {
        if (inputs[which] == null || inputs[which].size(0) != b) inputs[which] = Nd4j.createUninitialized(DataType.FLOAT, b, d);
        inputs[which].data().asNioFloat().put(0, rows, 0, b * d);
        return inputs[which];
    }

    /** A copy of the query encoder's weights, tagged with the given version. */
    public Snapshot snapshot(long version) {
        return new Snapshot(version, step, encoder, Nd4j.toFlattened(query.params()).toFloatVector());
    }

    public long step() { return step; }

    public long skippedSteps() { return skippedSteps; }

    public NegativeQueue queue() { return queue; }

    public EncoderConfig encoderConfig() { return encoder; }

    public LearnerConfig config() { return config; }

    INDArray queryParams() { return query.params(); }

    INDArray keyParams() { return key.params(); }

    /** BYOL's and SimSiam's predictor, or null. */
    Predictor predictor() { return predictor; }

    /** The optimizer's state (e.g. Adam's moments), or null for a stateless optimizer. */
    INDArray updaterState() { return updaterState; }

    public DivergenceGuard guard() { return guard; }

    void restoreCounters(long step, long skippedSteps, double gradientScale) {
        this.step = step;
        this.skippedSteps = skippedSteps;
        guard.restore(gradientScale, gradientScale > 0 ? step : 0);   // accepted steps = steps taken
    }
}
