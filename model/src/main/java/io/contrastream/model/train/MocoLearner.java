package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.loss.InfoNce;
import java.util.List;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Online MoCo v2 (He et al. 2020; Chen et al. 2020): a query encoder trained by InfoNCE against the key of the
 * other view and a queue of past keys, and a key encoder that follows it by exponential moving average.
 *
 * <p>The InfoNCE gradient is computed outside DL4J and fed back with {@code backpropGradient}, the DL4J route to a
 * custom objective. Not thread-safe: one learner per thread.
 */
public final class MocoLearner {

    private final EncoderConfig encoder;
    private final LearnerConfig config;
    private final MultiLayerNetwork query;
    private final MultiLayerNetwork key;
    private final NegativeQueue queue;
    private long step;
    private long skippedSteps;

    public MocoLearner(EncoderConfig encoder, LearnerConfig config) {
        this.encoder = encoder;
        this.config = config;
        this.query = Encoders.build(encoder, config.updater(), DataType.FLOAT);
        this.key = query.clone();    // MoCo initialises the key encoder as a copy of the query encoder
        this.queue = new NegativeQueue(config.queueSize(), encoder.projectionDim(), DataType.FLOAT);
    }

    /**
     * One training step on a batch of positive pairs, each view given as B rows of {@link EncoderConfig#inputSize()}
     * values, row-major.
     */
    public StepStats step(float[] view1, float[] view2, int b) {
        int d = encoder.inputSize();
        if (b <= 0 || view1.length < b * d || view2.length < b * d) {
            throw new IllegalArgumentException("a batch of " + b + " pairs needs " + (b * d) + " values per view");
        }
        INDArray x1 = Nd4j.create(view1, new long[] {b, d}, DataType.FLOAT);     // B×D
        INDArray x2 = Nd4j.create(view2, new long[] {b, d}, DataType.FLOAT);     // B×D

        query.setInput(x1);
        List<INDArray> acts = query.feedForward(true, false);
        INDArray z = acts.get(acts.size() - 1);                                   // B×p: query projections
        INDArray k = key.output(x2, false);                                       // B×p: keys, no gradient
        k.diviColumnVector(k.norm2(1).reshape(b, 1).addi(1e-12));                 // B×p: unit keys

        InfoNce.Result r = InfoNce.compute(z, k, queue.negatives(), config.temperature());
        if (!Double.isFinite(r.loss())) {
            // Divergence guard: keep the last good weights and do not poison the queue.
            skippedSteps++;
            return new StepStats(step, b, r.loss(), r.positiveCosine(), r.negativeCosine(), queue.fill(), true);
        }
        Pair<Gradient, INDArray> back = query.backpropGradient(r.gradZ(), LayerWorkspaceMgr.noWorkspaces());
        Gradient g = back.getFirst();
        query.getUpdater().update(query, g, (int) step, 0, b, LayerWorkspaceMgr.noWorkspaces());
        query.params().subi(g.gradient());                                        // θ_q ← θ_q − update
        double m = config.momentum();
        key.params().muli(m).addi(query.params().mul(1 - m));                     // θ_k ← m·θ_k + (1−m)·θ_q
        queue.enqueue(k);                                                         // K×p: newest keys replace oldest
        step++;
        return new StepStats(step, b, r.loss(), r.positiveCosine(), r.negativeCosine(), queue.fill(), false);
    }

    /** A copy of the query encoder's weights, tagged with the given version. */
    public Snapshot snapshot(long version) {
        return new Snapshot(version, step, encoder, query.params().toFloatVector());
    }

    public long step() { return step; }

    public long skippedSteps() { return skippedSteps; }

    public NegativeQueue queue() { return queue; }

    public EncoderConfig encoderConfig() { return encoder; }

    public LearnerConfig config() { return config; }

    MultiLayerNetwork queryNetwork() { return query; }

    MultiLayerNetwork keyNetwork() { return key; }

    void restoreCounters(long step, long skippedSteps) {
        this.step = step;
        this.skippedSteps = skippedSteps;
    }
}
