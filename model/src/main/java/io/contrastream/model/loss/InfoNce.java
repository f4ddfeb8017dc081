package io.contrastream.model.loss;

import io.contrastream.model.linalg.Blas;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * InfoNCE (van den Oord et al. 2018) as used by MoCo (He et al. 2020): for each query, a softmax over one positive
 * key and K queued negatives, all on the unit sphere, with temperature τ.
 *
 * <p>With q̂ = z/|z|, l⁺ = q̂·k⁺, lⱼ = q̂·nⱼ and p = softmax([l⁺, l₁..l_K]/τ), the loss is L = −log p₀ averaged over the
 * batch, and ∂L/∂q̂ = ((p₀ − 1)k⁺ + Σⱼ pⱼnⱼ)/(τB). The chain rule through the normalisation gives
 * ∂L/∂z = (∂L/∂q̂ − q̂(q̂·∂L/∂q̂))/|z|. The negative logits are written by one sgemm straight into columns 1..K of the
 * logits buffer and normalised by ND4J's fused softmax: the separate max/sub/exp/sum/div passes of a naive version
 * cost more than the matrix multiplies at K = 4096.
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
        long k = negatives == null ? 0 : negatives.size(0);
        INDArray norm = z.norm2(1).reshape(b, 1).addi(1e-12);                      // B×1
        INDArray q = z.divColumnVector(norm);                                        // B×d, unit rows
        INDArray lPos = q.mul(keys).sum(true, 1);                                    // B×1: q̂·k⁺

        INDArray logits = Nd4j.createUninitialized(z.dataType(), b, k + 1);         // B×(1+K)
        logits.getColumn(0, true).assign(lPos).divi(tau);
        INDArray lNeg = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(1, k + 1));   // B×K view
        if (k > 0) Blas.gemm(q, negatives.transpose(), lNeg, (float) (1 / tau), 0f);     // B×K: q̂·nⱼ/τ
        INDArray p = Nd4j.exec(new SoftMax(logits, logits, 1))[0];                   // B×(1+K), in place
        INDArray pPos = p.getColumn(0, true);                                        // B×1
        double loss = -Transforms.log(pPos, true).meanNumber().doubleValue();
        if (!Double.isFinite(loss)) loss = exactLoss(q, keys, negatives, tau);      // p₀ underflowed: tiny τ

        INDArray gradQ = keys.mulColumnVector(pPos.sub(1.0));                        // B×d: (p₀ − 1)k⁺
        if (k > 0) Blas.gemm(lNeg, negatives, gradQ, 1f, 1f);                       // B×d: + Σ pⱼnⱼ (lNeg now holds pⱼ)
        gradQ.divi(tau * b);
        INDArray radial = q.mul(gradQ).sum(true, 1);                                 // B×1: q̂·∂L/∂q̂
        INDArray gradZ = gradQ.subi(q.mulColumnVector(radial)).diviColumnVector(norm);  // B×d

        double posCos = lPos.meanNumber().doubleValue();
        // mean over i, j of q̂ᵢ·nⱼ = mean over i of q̂ᵢ·n̄: no second pass over the B×K block.
        double negCos = k > 0 ? q.mmul(negatives.mean(true, 0).transpose()).meanNumber().doubleValue() : Double.NaN;
        return new Result(loss, gradZ, posCos, negCos);
    }

    /** The loss by log-sum-exp with the row maximum subtracted, for when a probability underflows. */
    private static double exactLoss(INDArray q, INDArray keys, INDArray negatives, double tau) {
        INDArray lPos = q.mul(keys).sum(true, 1).divi(tau);                          // B×1
        INDArray lNeg = q.mmul(negatives.transpose()).divi(tau);                     // B×K
        INDArray max = Transforms.max(lNeg.max(true, 1), lPos);                      // B×1
        INDArray sum = Transforms.exp(lNeg.subColumnVector(max), false).sum(true, 1)
                .addi(Transforms.exp(lPos.sub(max), false));                          // B×1
        return Transforms.log(sum, false).addi(max).subi(lPos).meanNumber().doubleValue();
    }
}
