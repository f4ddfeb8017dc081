package io.contrastream.model.encoder;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalisation of a conv stage's pre-activations (Ioffe & Szegedy 2015, "Batch Normalization", Alg. 1 and
 * §3.2), with DL4J's {@code BatchNormalization} layer semantics: per channel over the batch and all positions,
 * biased batch variance, y = γ·(z − μ)/√(σ² + ε) + β; training updates the running statistics as
 * r ← decay·r + (1 − decay)·batch, inference normalises with them.
 *
 * <p>γ, β and the running mean and variance are views into the network's flat parameters, so snapshots, the
 * momentum update and checkpoints carry them like weights. The running statistics are written here, not through the
 * gradient: their gradient slots stay zero, so the learner's optimizer never moves them.
 */
final class ConvNorm {

    private final INDArray gamma;    // 1×F
    private final INDArray beta;
    private final INDArray mean;     // running mean, 1×F
    private final INDArray var;      // running variance, 1×F
    private final INDArray dGamma;
    private final INDArray dBeta;
    private final double decay;
    private final double eps;
    private final int filters;
    private float[] batchMean;       // of the last training forward, for backward
    private float[] invStd;
    private float[] gammaUsed;       // γ of the last training forward

    ConvNorm(INDArray gamma, INDArray beta, INDArray mean, INDArray var, INDArray dGamma, INDArray dBeta, double decay, double eps) {
        this.gamma = gamma;
        this.beta = beta;
        this.mean = mean;
        this.var = var;
        this.dGamma = dGamma;
        this.dBeta = dBeta;
        this.decay = decay;
        this.eps = eps;
        this.filters = (int) gamma.length();
    }

    /**
     * Training: the batch statistics of z (F rows of {@code cols} values), kept for {@link #backward}, folded into
     * the per-channel affine map {scale, shift} that normalises z; updates the running statistics.
     */
    float[][] train(float[] z, int cols) {
        double[] mu = new double[filters];
        double[] sigma2 = new double[filters];
        IntStream.range(0, filters).parallel().forEach(f -> {
            // Two passes in double: one pass (Σz², Σz) cancels badly when |μ| ≫ σ over ~10⁵ values.
            double sum = 0;
            for (int i = f * cols, end = i + cols; i < end; i++) sum += z[i];
            double m = sum / cols;
            double sq = 0;
            for (int i = f * cols, end = i + cols; i < end; i++) {
                double d = z[i] - m;
                sq += d * d;
            }
            mu[f] = m;
            sigma2[f] = sq / cols;   // biased, as DL4J and the paper normalise
        });
        float[] g = gamma.toFloatVector();
        float[] b = beta.toFloatVector();
        float[] runMean = mean.toFloatVector();
        float[] runVar = var.toFloatVector();
        batchMean = new float[filters];
        invStd = new float[filters];
        gammaUsed = g;
        float[][] affine = new float[2][filters];
        for (int f = 0; f < filters; f++) {
            batchMean[f] = (float) mu[f];
            invStd[f] = (float) (1 / Math.sqrt(sigma2[f] + eps));
            affine[0][f] = g[f] * invStd[f];
            affine[1][f] = b[f] - batchMean[f] * affine[0][f];
            runMean[f] = (float) (decay * runMean[f] + (1 - decay) * mu[f]);
            runVar[f] = (float) (decay * runVar[f] + (1 - decay) * sigma2[f]);
        }
        mean.assign(Nd4j.createFromArray(runMean).reshape(mean.shape()));
        var.assign(Nd4j.createFromArray(runVar).reshape(var.shape()));
        return affine;
    }

    /** Inference: {scale, shift} that normalise with the running statistics (no batch dependence). */
    float[][] infer() {
        float[] g = gamma.toFloatVector();
        float[] b = beta.toFloatVector();
        float[] m = mean.toFloatVector();
        float[] v = var.toFloatVector();
        float[][] affine = new float[2][filters];
        for (int f = 0; f < filters; f++) {
            affine[0][f] = (float) (g[f] / Math.sqrt(v[f] + eps));
            affine[1][f] = b[f] - m[f] * affine[0][f];
        }
        return affine;
    }

    /**
     * Back through the last training forward: {@code dy} (∂L/∂y, F rows of {@code cols}) becomes ∂L/∂z in place, and
     * ∂L/∂γ = Σ dy·x̂, ∂L/∂β = Σ dy are written; ∂L/∂z = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)) (the paper's chain rule
     * through μ and σ², collapsed).
     */
    void backward(float[] z, float[] dy, int cols) {
        float[] dg = new float[filters];
        float[] db = new float[filters];
        IntStream.range(0, filters).parallel().forEach(f -> {
            float m = batchMean[f];
            float s = invStd[f];
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = f * cols, end = i + cols; i < end; i++) {
                sumDy += dy[i];
                sumDyXhat += dy[i] * ((z[i] - m) * s);
            }
            db[f] = (float) sumDy;
            dg[f] = (float) sumDyXhat;
            float meanDy = (float) (sumDy / cols);
            float meanDyXhat = (float) (sumDyXhat / cols);
            float k = gammaUsed[f] * s;
            for (int i = f * cols, end = i + cols; i < end; i++) {
                dy[i] = k * (dy[i] - meanDy - (z[i] - m) * s * meanDyXhat);
            }
        });
        dGamma.assign(Nd4j.createFromArray(dg).reshape(dGamma.shape()));
        dBeta.assign(Nd4j.createFromArray(db).reshape(dBeta.shape()));
    }
}
