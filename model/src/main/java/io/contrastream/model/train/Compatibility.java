package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.linalg.Blas;
import io.contrastream.model.linalg.Rows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A backward-compatibility term on the embeddings, after BCT (Shen et al., CVPR 2020): the new encoder's unit
 * embeddings are pulled towards those of the served (anchor) encoder of the same inputs, so vectors of the new version
 * stay comparable with an index the anchor built. It is the L2 (feature-distillation) form; an InfoNCE form over the
 * batch was measured too and kept versions less comparable (BENCHMARKS.md, "The feed").
 *
 * <pre>
 *   L_c = (1/B) Σ_i ‖ê_i − â_i‖²,   ê = e/‖e‖ (new, with gradient),  â = a/‖a‖ (anchor, frozen)
 *   ∂L_c/∂ê = 2(ê − â)/B,   ∂L_c/∂e = (∂L_c/∂ê − ê ⟨ê, ∂L_c/∂ê⟩) / ‖e‖
 * </pre>
 * The learner adds λ·∂L_c/∂e where the backbone's output enters the projection head. Not thread-safe.
 */
public final class Compatibility {

    private final double weight;
    private TrainableEncoder anchor;
    private long anchorVersion = -1;
    private double lastLoss = Double.NaN;

    /** λ of the term (0 = off). */
    public Compatibility(double weight) {
        if (!(weight >= 0)) throw new IllegalArgumentException("compatibility weight must be >= 0, got " + weight);
        this.weight = weight;
    }

    /** Anchors the term on the encoder of a served snapshot (its weights are copied). */
    public void anchor(EncoderConfig config, float[] weights, long version) {
        if (anchor == null) anchor = TrainableEncoder.create(config);
        if (weights.length != anchor.params().length()) {
            throw new IllegalArgumentException("anchor has " + weights.length + " weights, the encoder " + anchor.params().length());
        }
        Blas.write(weights, anchor.params());
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
        Rows.normalize(a);                                                        // N×E: â
        INDArray en = e.dup('c');                                                 // N×E
        INDArray norms = Nd4j.create(Rows.normalize(en), new long[] {n, 1}).castTo(en.dataType());   // N×1: ‖e‖; en: ê
        INDArray g = en.sub(a);                                                   // N×E: ê − â
        lastLoss = g.mul(g).sumNumber().doubleValue() / n;
        g.muli(2 * weight / n);                                                   // N×E: λ·∂L_c/∂ê
        INDArray radial = g.mul(en).sum(1).reshape(n, 1);                         // N×1: ⟨ê, g⟩
        return g.subi(en.mulColumnVector(radial)).diviColumnVector(norms);        // N×E: λ·∂L_c/∂e
    }

    /** L_c of the last step (NaN before the first). */
    public double lastLoss() { return lastLoss; }

    /** The version of the anchor snapshot, or −1. */
    public long anchorVersion() { return anchorVersion; }

    public double weight() { return weight; }
}
