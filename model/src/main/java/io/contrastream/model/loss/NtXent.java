package io.contrastream.model.loss;

import io.contrastream.model.linalg.Rows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NT-Xent, SimCLR's loss (Chen et al. 2020): 2B projections of B positive pairs (rows i and i + B), each an anchor
 * whose positive is its partner and whose negatives are the other 2B − 2 rows, symmetric, on the unit sphere with
 * temperature τ. With S = ẑẑᵀ/τ and P the row softmax of S over j ≠ a,
 * L = (1/2B) Σₐ (−S[a, p(a)] + log Σ_{j≠a} e^{S[a, j]}) and ∂L/∂ẑₐ = (Σ_{j≠a} (P[a, j] + P[j, a]) ẑⱼ − 2 ẑ_{p(a)}) / (2Bτ).
 * Rows of the same sample (a stream repeats samples, and replay draws with replacement) are not each other's
 * negatives: with sample ids given, such pairs leave the softmax (P = 0 there, in both directions).
 */
public final class NtXent {

    private NtXent() {}

    /** @param z 2B×d un-normalised projections, the first view's B rows then the second's */
    public static InfoNce.Result compute(INDArray z, double tau) {
        return compute(z, tau, null);
    }

    /** As {@link #compute(INDArray, double)}; {@code ids}: the B pairs' sample ids (0 = unknown), or null. */
    public static InfoNce.Result compute(INDArray z, double tau, long[] ids) {
        if (tau <= 0) throw new IllegalArgumentException("tau must be > 0, got " + tau);
        int n = (int) z.size(0);
        if (n < 2 || n % 2 != 0) throw new IllegalArgumentException("NT-Xent needs 2B rows of B pairs, got " + n);
        int half = n / 2;
        int d = (int) z.size(1);
        double[] q = Nd4j.toFlattened('c', z).toDoubleVector();                                     // 2B×d, ẑ below
        double[] norm = Rows.normalize(q, d);                                                       // 2B: ‖z‖
        INDArray qHat = Nd4j.create(q, new long[] {n, d}, 'c');
        double[] s = Nd4j.toFlattened('c', qHat.mmul(qHat.transpose())).toDoubleVector();          // 2B×2B cosines
        double[] p = new double[n * n];                                                             // row softmax, j ≠ a
        double loss = 0;
        double posCos = 0;
        double negCos = 0;
        int excluded = 0;
        long negatives = 0;
        for (int a = 0; a < n; a++) {
            int partner = (a + half) % n;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) if (inSoftmax(a, j, partner, half, ids)) max = Math.max(max, s[a * n + j] / tau);
            double sum = 0;
            for (int j = 0; j < n; j++) if (inSoftmax(a, j, partner, half, ids)) sum += (p[a * n + j] = Math.exp(s[a * n + j] / tau - max));
            for (int j = 0; j < n; j++) p[a * n + j] /= sum;
            loss += -s[a * n + partner] / tau + max + Math.log(sum);
            posCos += s[a * n + partner];
            for (int j = 0; j < n; j++) {
                if (j == a || j == partner) continue;
                if (inSoftmax(a, j, partner, half, ids)) {
                    negCos += s[a * n + j];
                    negatives++;
                } else {
                    excluded++;
                }
            }
        }
        double[] w = new double[n * n];                                                             // P + Pᵀ − 2·partner
        for (int a = 0; a < n; a++) {
            for (int j = 0; j < n; j++) w[a * n + j] = p[a * n + j] + p[j * n + a];
            w[a * n + (a + half) % n] -= 2;
        }
        double[] grad = Nd4j.toFlattened('c', Nd4j.create(w, new long[] {n, n}, 'c').mmul(qHat)).toDoubleVector();   // 2B×d
        for (int a = 0; a < n; a++) {
            double radial = 0;
            for (int j = 0; j < d; j++) {
                grad[a * d + j] /= n * tau;                                                         // ∂L/∂ẑ
                radial += q[a * d + j] * grad[a * d + j];
            }
            for (int j = 0; j < d; j++) grad[a * d + j] = (grad[a * d + j] - q[a * d + j] * radial) / norm[a];   // ∂L/∂z
        }
        INDArray gradZ = Nd4j.create(grad, new long[] {n, d}, 'c').castTo(z.dataType());
        return new InfoNce.Result(loss / n, gradZ, posCos / n, negatives > 0 ? negCos / negatives : Double.NaN, excluded);
    }

    /** Whether row j is in anchor a's softmax: not a itself, and not another row of a's sample unless its partner. */
    private static boolean inSoftmax(int a, int j, int partner, int half, long[] ids) {
        if (j == a) return false;
        if (j == partner || ids == null) return true;
        long id = ids[a % half];
        return id == 0 || ids[j % half] != id;
    }
}
