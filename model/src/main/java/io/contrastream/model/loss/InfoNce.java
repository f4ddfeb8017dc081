package io.contrastream.model.loss;

import io.contrastream.model.linalg.Blas;
import io.contrastream.model.linalg.Exp;
import io.contrastream.model.linalg.Rows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * InfoNCE (van den Oord et al. 2018) as used by MoCo (He et al. 2020): for each query, a softmax over one positive
 * key and K queued negatives, all on the unit sphere, with temperature τ.
 *
 * <p>With q̂ = z/|z|, l⁺ = q̂·k⁺, lⱼ = q̂·nⱼ and p = softmax([l⁺, l₁..l_K]/τ), the loss is L = −log p₀ averaged over the
 * batch, and ∂L/∂q̂ = ((p₀ − 1)k⁺ + Σⱼ pⱼnⱼ)/(τB). The chain rule through the normalisation gives
 * ∂L/∂z = (∂L/∂q̂ − q̂(q̂·∂L/∂q̂))/|z|.
 *
 * <p>Cost is in the two B×K×d products and the B×(1+K) softmax: the negative logits go by one sgemm straight into
 * columns 1..K of a reused logits buffer, are exponentiated in place, and the row sums divide only what is used
 * (p₀ and the B×d mixture of negatives), never the B×(1+K) block. The O(B·d) row operations run as
 * plain loops, which measured ~50× cheaper here than the equivalent chain of small ND4J ops.
 */
public final class InfoNce {

    private InfoNce() {}

    /**
     * Loss, its gradient with respect to the un-normalised queries z, the cosines the health metrics use, and how many
     * query-negative pairs were excluded.
     */
    public record Result(double loss, INDArray gradZ, double positiveCosine, double negativeCosine, int excluded) {}

    /**
     * Query-negative pairs left out of the softmax (their logit becomes −∞, so pⱼ = 0 and they get no gradient):
     * the first {@code count} entries of {@code cells}, flat indices i·K + j into the B×K block, and every pair whose
     * cosine exceeds {@code maxCosine} (1 = none).
     */
    public record Exclusions(int[] cells, int count, double maxCosine) {
        public static final Exclusions NONE = new Exclusions(new int[0], 0, 1.0);
    }

    private static final ThreadLocal<INDArray> LOGITS = new ThreadLocal<>();
    private static final ThreadLocal<INDArray> QHAT = new ThreadLocal<>();
    private static final ThreadLocal<INDArray> MIX = new ThreadLocal<>();
    private static final ThreadLocal<INDArray> ONES = new ThreadLocal<>();
    private static final ThreadLocal<INDArray> MEAN = new ThreadLocal<>();

    /**
     * @param z         B×d un-normalised query projections
     * @param keys      B×d positive keys, already L2-normalised
     * @param negatives K×d negative keys, already L2-normalised (K may be 0)
     * @param tau       temperature, > 0
     */
    public static Result compute(INDArray z, INDArray keys, INDArray negatives, double tau) {
        return compute(z, keys, negatives, tau, Exclusions.NONE);
    }

    /** As {@link #compute(INDArray, INDArray, INDArray, double)}, without the excluded query-negative pairs. */
    public static Result compute(INDArray z, INDArray keys, INDArray negatives, double tau, Exclusions exclusions) {
        if (tau <= 0) throw new IllegalArgumentException("tau must be > 0, got " + tau);
        int b = (int) z.size(0);
        int d = (int) z.size(1);
        int k = negatives == null ? 0 : (int) negatives.size(0);
        double[] q = doubles(z);                                                    // B×d, normalised below
        double[] kp = doubles(keys);                                                // B×d
        double[] norm = Rows.normalize(q, d);                                       // B: ‖zᵢ‖
        double[] lPos = new double[b];
        for (int i = 0; i < b; i++) {
            double dot = 0;
            for (int j = 0; j < d; j++) dot += q[i * d + j] * kp[i * d + j];
            lPos[i] = dot;                                                          // q̂ᵢ·k⁺ᵢ
        }
        INDArray qHat = fill(buffer(QHAT, b, d, z.dataType()), q);                  // B×d

        INDArray logits = logits(b, k + 1, z.dataType());                           // B×(1+K)
        for (int i = 0; i < b; i++) put(logits, (long) i * (k + 1), lPos[i] / tau);
        INDArray lNeg = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(1, k + 1));    // B×K view
        if (k > 0) Blas.gemm(qHat, negatives.transpose(), lNeg, (float) (1 / tau), 0f);    // B×K: q̂·nⱼ/τ
        int excluded = k > 0 ? exclude(logits, b, k, tau, exclusions) : 0;                 // B×K: some → −∞
        double[] sum = softmaxNumerators(logits, tau);                              // B×(1+K): e or p, in place

        double[] grad = new double[b * d];                                          // B×d: Σⱼ pⱼnⱼ
        if (k > 0) {
            INDArray mix = buffer(MIX, b, d, z.dataType());
            Blas.gemm(lNeg, negatives, mix, 1f, 0f);                                // B×d: Σⱼ eⱼnⱼ
            grad = doubles(mix);
            for (int i = 0; i < b; i++) for (int j = 0; j < d; j++) grad[i * d + j] /= sum[i];   // B×d: Σⱼ pⱼnⱼ
        }
        double loss = 0;
        double posCos = 0;
        for (int i = 0; i < b; i++) {
            double p0 = get(logits, (long) i * (k + 1)) / sum[i];
            loss -= Math.log(p0);
            posCos += lPos[i];
            double radial = 0;
            for (int j = 0; j < d; j++) {
                int x = i * d + j;
                grad[x] = (grad[x] + (p0 - 1) * kp[x]) / (tau * b);                  // ∂L/∂q̂
                radial += q[x] * grad[x];
            }
            for (int j = 0; j < d; j++) {
                int x = i * d + j;
                grad[x] = (grad[x] - q[x] * radial) / norm[i];                      // ∂L/∂z
            }
        }
        loss /= b;
        // p₀ underflowed (tiny τ): the value (not the gradient) from log-sum-exp, over the whole queue
        if (!Double.isFinite(loss)) loss = exactLoss(qHat, keys, negatives, tau);
        INDArray gradZ = fill(Nd4j.createUninitialized(z.dataType(), b, d), grad);   // B×d, the caller keeps it
        return new Result(loss, gradZ, posCos / b, k > 0 ? meanNegativeCosine(negatives, q, b, d) : Double.NaN, excluded);
    }

    /**
     * The softmax numerators eᵢⱼ = exp(logit) in place, and each row's sum, so pᵢⱼ = eᵢⱼ/sumᵢ. Logits of unit vectors
     * are at most 1/τ, so without the usual max subtraction exp cannot overflow a float for 1/τ ≤ 40 (e⁴⁰·65,537 ≪
     * 3.4·10³⁸): one exp pass and one row-sum reduction instead of the five passes of a softmax op, which were a tenth
     * of the step. Below τ = 0.025 it falls back to the stable softmax (sums 1).
     */
    private static double[] softmaxNumerators(INDArray logits, double tau) {
        if (tau < 1 / 40.0) {
            Nd4j.exec(new SoftMax(logits, logits, 1));
            double[] ones = new double[(int) logits.size(0)];
            java.util.Arrays.fill(ones, 1);
            return ones;
        }
        if (Blas.direct() && logits.dataType() == DataType.FLOAT) return Exp.rowsInPlace(logits);
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(logits, logits));
        return logits.sum(1).toDoubleVector();
    }

    /** Sets the excluded negative logits (columns 1..K of the B×(1+K) buffer) to −∞; returns how many were set. */
    private static int exclude(INDArray logits, int b, int k, double tau, Exclusions ex) {
        int n = 0;
        for (int c = 0; c < ex.count(); c++) {
            long at = (long) (ex.cells()[c] / k) * (k + 1) + 1 + ex.cells()[c] % k;
            if (get(logits, at) != Double.NEGATIVE_INFINITY) n++;
            put(logits, at, Double.NEGATIVE_INFINITY);
        }
        if (ex.maxCosine() < 1) {
            double limit = ex.maxCosine() / tau;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    long at = (long) i * (k + 1) + 1 + j;
                    double v = get(logits, at);
                    if (v > limit && v != Double.NEGATIVE_INFINITY) {
                        put(logits, at, Double.NEGATIVE_INFINITY);
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** Element access by flat index into a c-ordered buffer; a plain loop beats a native call per element. */
    private static void put(INDArray a, long index, double v) {
        if (a.dataType() == DataType.FLOAT) a.data().asNioFloat().put((int) index, (float) v);
        else a.data().put(index, v);
    }

    private static double get(INDArray a, long index) {
        return a.dataType() == DataType.FLOAT ? a.data().asNioFloat().get((int) index) : a.data().getDouble(index);
    }

    /** The logits buffer of this thread, reused while the shape stays: allocating 4 MB per step cost more than using it. */
    private static INDArray logits(int rows, int cols, DataType type) {
        return buffer(LOGITS, rows, cols, type);
    }

    private static INDArray buffer(ThreadLocal<INDArray> slot, int rows, int cols, DataType type) {
        INDArray buffer = slot.get();
        if (buffer == null || buffer.size(0) != rows || buffer.size(1) != cols || buffer.dataType() != type) {
            buffer = Nd4j.createUninitialized(type, rows, cols);
            slot.set(buffer);
        }
        return buffer;
    }

    /** A c-ordered matrix's values as doubles (float arrays are read through their buffer, without an ND4J copy). */
    private static double[] doubles(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.isView()) return Nd4j.toFlattened('c', a).toDoubleVector();
        java.nio.FloatBuffer v = a.data().asNioFloat();
        double[] out = new double[(int) a.length()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        java.lang.ref.Reference.reachabilityFence(a);   // the NIO view does not keep the native buffer alive
        return out;
    }

    private static INDArray fill(INDArray target, double[] values) {
        if (target.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer v = target.data().asNioFloat();
            for (int i = 0; i < values.length; i++) v.put(i, (float) values[i]);
        } else {
            target.assign(Nd4j.create(values, target.shape(), 'c'));
        }
        return target;
    }

    /**
     * mean over i, j of q̂ᵢ·nⱼ = mean over i of q̂ᵢ·n̄: one pass over the queue instead of the B×K block. n̄ is one
     * 1×K by K×d sgemm: under OpenBLAS's own threads that product took a fifth of the step's native time, so it was
     * ND4J's column-mean reduction for a while; with the split threading it stays on the caller and took 43 native
     * samples where the reduction took 78, of ~735 in a batch-64 step (JFR).
     */
    private static double meanNegativeCosine(INDArray negatives, double[] q, int b, int d) {
        int k = (int) negatives.size(0);
        INDArray ones = buffer(ONES, 1, k, negatives.dataType());
        ones.assign(1);
        INDArray meanRow = buffer(MEAN, 1, d, negatives.dataType());
        Blas.gemm(ones, negatives, meanRow, 1f / k, 0f);                            // 1×d: n̄
        double[] mean = meanRow.toDoubleVector();
        double total = 0;
        for (int i = 0; i < b; i++) for (int j = 0; j < d; j++) total += q[i * d + j] * mean[j];
        return total / b;
    }

    /** The loss by log-sum-exp with the row maximum subtracted, for when a probability underflows. */
    private static double exactLoss(INDArray q, INDArray keys, INDArray negatives, double tau) {
        INDArray lPos = q.mul(keys).sum(true, 1).divi(tau);                          // B×1
        INDArray lNeg = q.mmul(negatives.transpose()).divi(tau);                     // B×K
        INDArray max = org.nd4j.linalg.ops.transforms.Transforms.max(lNeg.max(true, 1), lPos);
        INDArray sum = org.nd4j.linalg.ops.transforms.Transforms.exp(lNeg.subColumnVector(max), false).sum(true, 1)
                .addi(org.nd4j.linalg.ops.transforms.Transforms.exp(lPos.sub(max), false));
        return org.nd4j.linalg.ops.transforms.Transforms.log(sum, false).addi(max).subi(lPos).meanNumber().doubleValue();
    }
}
