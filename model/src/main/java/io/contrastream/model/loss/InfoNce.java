package io.contrastream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * InfoNCE (van den Oord et al. 2018) as used by MoCo (He et al. 2020): for each query, a softmax over one positive
 * key and K queued negatives, all on the unit sphere, with temperature τ.
 *
 * <p>With q̂ = z/|z|, l⁺ = q̂·k⁺, lⱼ = q̂·nⱼ and p = softmax([l⁺, l₁..l_K]/τ), the loss is L = −log p₀ averaged over the
 * batch, and ∂L/∂q̂ = ((p₀ − 1)k⁺ + Σⱼ pⱼnⱼ)/(τB). The chain rule through the normalisation gives
 * ∂L/∂z = (∂L/∂q̂ − q̂(q̂·∂L/∂q̂))/|z|. The positive column is kept apart from the B×K block, so no (K+1)-wide
 * concatenation is ever built.
 */
public final class InfoNce {

    private InfoNce() {}

    /** Loss, its gradient with respect to the un-normalised queries z, and the cosines the health metrics use. */
    public record Result(double loss, INDArray gradZ, double positiveCosine, double negativeCosine) {}

    /**
     * @param z         B×d un-normalised query projections
     * @param keys      B×d positive keys, already L2-normalised
     * @param negatives K×d negative keys, already L2-normalised (K may be 0)
     * @param tau       temperature, > 0
     */
    public static Result compute(INDArray z, INDArray keys, INDArray negatives, double tau) {
        if (tau <= 0) throw new IllegalArgumentException("tau must be > 0, got " + tau);
        long b = z.size(0);
        INDArray norm = z.norm2(1).reshape(b, 1).addi(1e-12);             // B×1
        INDArray q = z.divColumnVector(norm);                               // B×d, unit rows
        INDArray lPos = q.mul(keys).sum(true, 1);                           // B×1: q̂·k⁺
        boolean hasNeg = negatives != null && negatives.size(0) > 0;
        INDArray lNeg = hasNeg ? q.mmul(negatives.transpose()) : null;      // B×K: q̂·nⱼ

        // Row-wise stable softmax over [l⁺ | lNeg]/τ without concatenating: shift by the row max.
        INDArray rowMax = hasNeg ? Transforms.max(lNeg.max(true, 1), lPos) : lPos.dup();   // B×1
        INDArray ePos = Transforms.exp(lPos.sub(rowMax).divi(tau), false);                 // B×1
        INDArray eNeg = hasNeg ? Transforms.exp(lNeg.subColumnVector(rowMax).divi(tau), false) : null; // B×K
        INDArray partition = hasNeg ? eNeg.sum(true, 1).addi(ePos) : ePos.dup();           // B×1
        // L_i = log Z_i − (l⁺_i − max_i)/τ
        double loss = Transforms.log(partition, true).subi(lPos.sub(rowMax).divi(tau)).meanNumber().doubleValue();

        INDArray pPos = ePos.div(partition);                                 // B×1
        INDArray gradQ = keys.mulColumnVector(pPos.sub(1.0));                // B×d: (p₀ − 1)k⁺
        if (hasNeg) {
            gradQ.addi(eNeg.diviColumnVector(partition).mmul(negatives));    // B×d: + Σ pⱼnⱼ
        }
        gradQ.divi(tau * b);
        INDArray radial = q.mul(gradQ).sum(true, 1);                         // B×1: q̂·∂L/∂q̂
        INDArray gradZ = gradQ.subi(q.mulColumnVector(radial)).diviColumnVector(norm);  // B×d

        double posCos = lPos.meanNumber().doubleValue();
        double negCos = hasNeg ? lNeg.meanNumber().doubleValue() : Double.NaN;
        return new Result(loss, gradZ, posCos, negCos);
    }
}
