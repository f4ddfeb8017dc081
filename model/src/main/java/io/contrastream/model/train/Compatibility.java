package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.linalg.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A backward-compatibility term on the embeddings (BCT, Shen et al. CVPR 2020, in a contrastive form): each new
 * embedding must pick out the served (anchor) encoder's embedding of its own input among those of the rest of the
 * batch, so that vectors of the new encoder stay comparable with an index the anchor built.
 *
 * <pre>
 *   L_c = −(1/B) Σ_i log softmax_j(ê_i · â_j / τ_c)_i,   ê = e/‖e‖ (new, with gradient),  â = a/‖a‖ (anchor, frozen)
 *   ∂L_c/∂ê = (P − I)·â / (τ_c B),   ∂L_c/∂e = (∂L_c/∂ê − ê ⟨ê, ∂L_c/∂ê⟩) / ‖e‖
 * </pre>
 * The learner adds λ·∂L_c/∂e where the backbone's output enters the projection head. Not thread-safe.
 */
public final class Compatibility {

    private final double weight;
    private final double temperature;
    private boolean regression;   // L2 between unit embeddings instead of InfoNCE (an ablation)
    private TrainableEncoder anchor;
    private long anchorVersion = -1;
    private double lastLoss = Double.NaN;

    /** λ (0 = off) and τ_c of the term. */
    public Compatibility(double weight, double temperature) {
        if (!(weight >= 0)) throw new IllegalArgumentException("compatibility weight must be >= 0, got " + weight);
        if (!(temperature > 0)) throw new IllegalArgumentException("compatibility temperature must be > 0, got " + temperature);
        this.weight = weight;
        this.temperature = temperature;
    }

    /** Uses the regression form ‖ê − â‖² (mean over the batch) instead of InfoNCE. */
    public Compatibility regression() {
        regression = true;
        return this;
    }

    /** Anchors the term on the encoder of a served snapshot (its weights are copied). */
    public void anchor(EncoderConfig config, float[] weights, long version) {
        if (anchor == null) anchor = TrainableEncoder.create(config);
        if (weights.length != anchor.params().length()) {
            throw new IllegalArgumentException("anchor has " + weights.length + " weights, the encoder " + anchor.params().length());
        }
        anchor.params().assign(Nd4j.create(weights, anchor.params().shape(), DataType.FLOAT));
        anchorVersion = version;
    }

    /** Whether the term takes part in the step: a positive weight and an anchor. */
    public boolean active() {
        return weight > 0 && anchor != null;
    }

    /** λ·∂L_c/∂e (N×E) for the new encoder's embeddings {@code e} (N×E) of the rows {@code x} (N×D). */
    INDArray gradient(INDArray x, INDArray e) {
        int n = (int) e.size(0);
        INDArray a = anchor.embed(x).dup();                                       // N×E: anchor embeddings, no gradient
        MocoLearner.normalizeRows(a);                                             // N×E: â
        INDArray en = e.dup();                                                    // N×E
        INDArray norms = en.norm2(1).addi(1e-12).reshape(n, 1);                   // N×1: ‖e‖
        en.diviColumnVector(norms);                                               // N×E: ê
        if (regression) {
            INDArray diff = en.sub(a);                                            // N×E: ê − â
            lastLoss = diff.mul(diff).sumNumber().doubleValue() / n;
            INDArray g = diff.muli(2 * weight / n);                               // N×E: λ·∂L/∂ê
            INDArray radial = g.mul(en).sum(1).reshape(n, 1);
            return g.subi(en.mulColumnVector(radial)).diviColumnVector(norms);   // N×E: λ·∂L/∂e
        }
        INDArray p = Nd4j.createUninitialized(DataType.FLOAT, n, n);
        Blas.gemm(en, a.transpose(), p, (float) (1 / temperature), 0f);           // N×N: ê·âᵀ/τ_c
        double loss = 0;
        float[] v = p.data().asFloat();
        for (int i = 0; i < n; i++) {                                             // N×N: P = softmax rows, then P − I
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, v[i * n + j]);
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.exp(v[i * n + j] - max);
            loss += Math.log(sum) + max - v[i * n + i];
            for (int j = 0; j < n; j++) v[i * n + j] = (float) (Math.exp(v[i * n + j] - max) / sum - (i == j ? 1 : 0));
        }
        lastLoss = loss / n;
        p = Nd4j.create(v, new long[] {n, n}, 'c');
        INDArray g = Nd4j.createUninitialized(DataType.FLOAT, n, e.size(1));
        Blas.gemm(p, a, g, (float) (weight / (temperature * n)), 0f);            // N×E: λ·∂L_c/∂ê
        INDArray radial = g.mul(en).sum(1).reshape(n, 1);                         // N×1: ⟨ê, g⟩
        g.subi(en.mulColumnVector(radial)).diviColumnVector(norms);               // N×E: λ·∂L_c/∂e
        return g;
    }

    /** L_c of the last step (NaN before the first). */
    public double lastLoss() { return lastLoss; }

    /** The version of the anchor snapshot, or −1. */
    public long anchorVersion() { return anchorVersion; }

    public double weight() { return weight; }
}
