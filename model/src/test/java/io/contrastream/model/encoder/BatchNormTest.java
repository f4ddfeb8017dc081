package io.contrastream.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Batch norm's statistics per row block, its gradient against finite differences, and the heads that use it. */
class BatchNormTest {

    private static final int N = 8;
    private static final int COLS = 3;
    private static final int GROUPS = 2;

    /** L = Σ r ⊙ x̂²/2 + Σ s ⊙ x̂: a loss whose gradient depends on x̂ (a linear loss alone would miss the x̂ term). */
    private static double loss(double[] z, double[] r, double[] s) {
        double[] x = z.clone();
        BatchNorm.forward(x, N, COLS, GROUPS, new double[GROUPS * COLS]);
        double l = 0;
        for (int i = 0; i < x.length; i++) l += r[i] * x[i] * x[i] / 2 + s[i] * x[i];
        return l;
    }

    @Test
    void gradientMatchesFiniteDifferencesInDoublePrecision() {
        SplittableRandom rng = new SplittableRandom(7);
        double[] z = new double[N * COLS];
        double[] r = new double[N * COLS];
        double[] s = new double[N * COLS];
        for (int i = 0; i < z.length; i++) {
            z[i] = 3 * rng.nextDouble() - 1 + (i >= N * COLS / 2 ? 5 : 0);   // the second group sits elsewhere
            r[i] = rng.nextDouble() - 0.5;
            s[i] = rng.nextDouble() - 0.5;
        }
        double[] xhat = z.clone();
        double[] inv = new double[GROUPS * COLS];
        BatchNorm.forward(xhat, N, COLS, GROUPS, inv);
        double[] grad = new double[z.length];
        for (int i = 0; i < z.length; i++) grad[i] = r[i] * xhat[i] + s[i];   // ∂L/∂x̂
        BatchNorm.backward(grad, xhat, N, COLS, GROUPS, inv);
        double eps = 1e-6;
        for (int i = 0; i < z.length; i++) {
            double orig = z[i];
            z[i] = orig + eps;
            double up = loss(z, r, s);
            z[i] = orig - eps;
            double down = loss(z, r, s);
            z[i] = orig;
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, grad[i], 1e-6 * Math.max(1, Math.abs(numeric)), "∂L/∂z at " + i);
        }
    }

    @Test
    void eachRowBlockIsStandardisedOnItsOwn() {
        double[] z = {1, 10, 3, 30, 100, -5, 300, -7};   // 4 rows × 2 columns, 2 groups of 2 rows
        double[] inv = new double[4];
        BatchNorm.forward(z, 4, 2, 2, inv);
        double[] expected = {-1, -1, 1, 1, -1, 1, 1, -1};
        for (int i = 0; i < z.length; i++) assertEquals(expected[i], z[i], 1e-4, "value " + i);
        assertThrows(IllegalArgumentException.class, () -> BatchNorm.forward(new double[6], 3, 2, 2, new double[4]));
    }

    @Test
    void normalisedHeadsBackPropagateTheirOwnGradientAndLeaveEmbeddingsAlone() {
        EncoderConfig mlp = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {12}, new int[] {16}, 8, 10, 6, 5);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 12);
        INDArray r = Nd4j.randn(DataType.FLOAT, 8, 6);
        DenseEncoder plain = new DenseEncoder(mlp);
        DenseEncoder net = new DenseEncoder(mlp);
        net.normalizeProjection(2);
        INDArray before = net.embed(x.dup()).dup();
        assertEquals(0.0, before.sub(plain.embed(x.dup())).amaxNumber().doubleValue(), 1e-6, "the same weights");

        net.forward(x.dup());
        INDArray dx = net.backwardToInput(r.dup()).dup();                                   // ∂(Σ r ⊙ y)/∂x
        double eps = 1e-2;
        double err = 0;
        double norm = 0;
        for (int i = 0; i < x.size(0); i++) {
            for (int j = 0; j < x.size(1); j++) {
                float orig = x.getFloat(i, j);
                x.putScalar(i, j, orig + eps);
                double up = net.infer(x.dup()).castTo(DataType.DOUBLE).mul(r.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
                x.putScalar(i, j, orig - eps);
                double down = net.infer(x.dup()).castTo(DataType.DOUBLE).mul(r.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
                x.putScalar(i, j, orig);
                double numeric = (up - down) / (2 * eps);
                err += Math.pow(numeric - dx.getDouble(i, j), 2);
                norm += numeric * numeric;
            }
        }
        assertTrue(Math.sqrt(err / norm) < 2e-2, "relative error of ∂L/∂x " + Math.sqrt(err / norm));
        assertEquals(0.0, net.embed(x.dup()).sub(before).amaxNumber().doubleValue(), 1e-6, "embeddings do not pass through the normalised head");
        assertTrue(net.infer(x.dup()).sub(plain.infer(x.dup())).amaxNumber().doubleValue() > 0.01, "the head output does change");
    }
}
