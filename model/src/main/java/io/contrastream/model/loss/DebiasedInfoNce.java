package io.contrastream.model.loss;

import io.contrastream.model.linalg.Rows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * InfoNCE with the negative term corrected for false negatives (Chuang et al. 2020, debiased contrastive learning,
 * class prior τ⁺) and reweighted towards hard negatives (Robinson et al. 2021, concentration β), in the form of the
 * latter's reference code. With pos = e^{s⁺/τ}, N negatives of cosine sⱼ:
 *
 * <pre>
 *   R  = N · Σⱼ e^{(1+β)sⱼ/τ} / Σⱼ e^{βsⱼ/τ}          (β = 0: R = Σⱼ e^{sⱼ/τ})
 *   Ng = max((R − τ⁺·N·pos) / (1 − τ⁺), N·e^{−1/τ})
 *   L  = −log(pos / (pos + Ng))
 * </pre>
 *
 * τ⁺ = β = 0 is plain InfoNCE. The gradient is exact (the clamp included), derived by hand and checked against finite
 * differences; the sums run in double precision without shifting, which is exact for τ ≥ 0.05 and β ≤ 5.
 */
public final class DebiasedInfoNce {

    private DebiasedInfoNce() {}

    /**
     * @param tauPlus class prior τ⁺ in [0, 1): the expected share of same-class samples among the negatives
     * @param beta    hardness β ≥ 0: how strongly similar negatives are up-weighted
     */
    public static InfoNce.Result compute(INDArray z, INDArray keys, INDArray negatives, double tau, double tauPlus, double beta,
                                         InfoNce.Exclusions exclusions) {
        if (tau <= 0) throw new IllegalArgumentException("tau must be > 0, got " + tau);
        if (!(tauPlus >= 0 && tauPlus < 1)) throw new IllegalArgumentException("tauPlus must be in [0, 1), got " + tauPlus);
        if (!(beta >= 0)) throw new IllegalArgumentException("beta must be >= 0, got " + beta);
        int b = (int) z.size(0);
        int d = (int) z.size(1);
        int k = negatives == null ? 0 : (int) negatives.size(0);
        double[] q = Nd4j.toFlattened('c', z).toDoubleVector();                                      // B×d, q̂ below
        double[] kp = Nd4j.toFlattened('c', keys).toDoubleVector();
        double[] norm = Rows.normalize(q, d);                                                        // B: ‖z‖
        INDArray qHat = Nd4j.create(q, new long[] {b, d}, 'c').castTo(z.dataType());                 // B×d
        double[] sim = k == 0 ? new double[0] : Nd4j.toFlattened('c', qHat.mmul(negatives.transpose())).toDoubleVector();   // B×K
        boolean[] out = excluded(sim, b, k, exclusions);

        double[] g = new double[b * k];                                                              // B×K: ∂L/∂sⱼ
        double[] gPos = new double[b];
        double loss = 0;
        double posCos = 0;
        int excludedCount = 0;
        for (int i = 0; i < b; i++) {
            double sPos = 0;
            for (int j = 0; j < d; j++) sPos += q[i * d + j] * kp[i * d + j];
            posCos += sPos;
            double pos = Math.exp(sPos / tau);
            double a = 0;
            double bs = 0;
            int n = 0;
            for (int j = 0; j < k; j++) {
                if (out[i * k + j]) {
                    excludedCount++;
                    continue;
                }
                double s = sim[i * k + j];
                a += Math.exp((1 + beta) * s / tau);
                bs += Math.exp(beta * s / tau);
                n++;
            }
            double r = n == 0 ? 0 : n * a / bs;
            double ng = (r - tauPlus * n * pos) / (1 - tauPlus);
            double floor = n * Math.exp(-1 / tau);
            boolean clamped = ng < floor;
            if (clamped) ng = floor;
            double den = pos + ng;
            loss += Math.log(den) - sPos / tau;
            gPos[i] = -1 / tau + pos / (tau * den) * (clamped ? 1 : 1 - tauPlus * n / (1 - tauPlus));
            if (clamped || n == 0) continue;
            double scale = n / (den * (1 - tauPlus));
            for (int j = 0; j < k; j++) {
                if (out[i * k + j]) continue;
                double s = sim[i * k + j];
                g[i * k + j] = scale * ((1 + beta) / tau * Math.exp((1 + beta) * s / tau) / bs
                        - a * beta / tau * Math.exp(beta * s / tau) / (bs * bs));
            }
        }
        double[] grad = new double[b * d];                                                           // B×d: Σⱼ gⱼnⱼ
        if (k > 0) grad = Nd4j.toFlattened('c', Nd4j.create(g, new long[] {b, k}, 'c').castTo(negatives.dataType()).mmul(negatives)).toDoubleVector();
        for (int i = 0; i < b; i++) {
            double radial = 0;
            for (int j = 0; j < d; j++) {
                int x = i * d + j;
                grad[x] = (grad[x] + gPos[i] * kp[x]) / b;                                           // ∂L/∂q̂
                radial += q[x] * grad[x];
            }
            for (int j = 0; j < d; j++) grad[i * d + j] = (grad[i * d + j] - q[i * d + j] * radial) / norm[i];   // ∂L/∂z
        }
        double negCos = 0;
        for (double s : sim) negCos += s;
        INDArray gradZ = Nd4j.create(grad, new long[] {b, d}, 'c').castTo(z.dataType());
        return new InfoNce.Result(loss / b, gradZ, posCos / b, k > 0 ? negCos / ((double) b * k) : Double.NaN, excludedCount);
    }

    /** Which B×K query-negative pairs are left out: the listed cells and those above the cosine limit. */
    private static boolean[] excluded(double[] sim, int b, int k, InfoNce.Exclusions ex) {
        boolean[] out = new boolean[b * k];
        for (int c = 0; c < ex.count(); c++) out[ex.cells()[c]] = true;
        if (ex.maxCosine() < 1) for (int x = 0; x < sim.length; x++) if (sim[x] > ex.maxCosine()) out[x] = true;
        return out;
    }
}
