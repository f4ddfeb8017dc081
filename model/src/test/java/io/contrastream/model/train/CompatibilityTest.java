package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.encoder.TrainableEncoder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

class CompatibilityTest {

    static final EncoderConfig MLP = LearnerTest.MLP;

    /** L_c(e) recomputed from scratch in double precision, for finite differences. */
    static double loss(double[][] e, double[][] a) {
        double total = 0;
        for (int i = 0; i < e.length; i++) {
            double ne = norm(e[i]);
            double na = norm(a[i]);
            for (int k = 0; k < e[i].length; k++) total += Math.pow(e[i][k] / ne - a[i][k] / na, 2);
        }
        return total / e.length;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheLoss() {
        int n = 6;
        float[] x = LearnerTest.batch(7, n, 16);
        TrainableEncoder anchorNet = TrainableEncoder.create(MLP);
        Compatibility c = new Compatibility(2.0);
        c.anchor(MLP, anchorNet.params().toFloatVector(), 1);
        INDArray xs = Nd4j.create(x, new long[] {n, 16}, 'c');
        float[][] aRows = new FrozenEncoder(MLP, anchorNet.params().toFloatVector()).embed(x, n);
        INDArray e = Nd4j.create(LearnerTest.batch(8, n, MLP.embeddingDim()), new long[] {n, MLP.embeddingDim()}, 'c').castTo(DataType.FLOAT);
        float[] g = c.gradient(xs, e).dup('c').data().asFloat();
        double[][] ed = new double[n][MLP.embeddingDim()];
        double[][] ad = new double[n][MLP.embeddingDim()];
        for (int i = 0; i < n; i++) for (int k = 0; k < MLP.embeddingDim(); k++) {
            ed[i][k] = e.getDouble(i, k);
            ad[i][k] = aRows[i][k];
        }
        assertEquals(loss(ed, ad), c.lastLoss(), 1e-4);
        double h = 1e-5;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < MLP.embeddingDim(); k += 3) {
                double keep = ed[i][k];
                ed[i][k] = keep + h;
                double up = loss(ed, ad);
                ed[i][k] = keep - h;
                double down = loss(ed, ad);
                ed[i][k] = keep;
                assertEquals(2.0 * (up - down) / (2 * h), g[i * MLP.embeddingDim() + k], 2e-4, "∂L/∂e[" + i + "][" + k + "]");
            }
        }
    }

    @Test
    void theTermKeepsANewEncoderRetrievableAgainstItsAnchor() {
        // Same seeds, same data: one learner with the term anchored on the starting weights, one without. After
        // training, the one with the term must be the more compatible, as an index sees it: a probe's new embedding,
        // searched among the anchor's embeddings of all probes, finds its own by a wider margin over the runner-up.
        float[] probe = LearnerTest.batch(99, 64, 16);
        double[] margin = new double[2];
        for (int variant = 0; variant < 2; variant++) {
            Learner learner = new Learner(MLP, LearnerTest.CONFIG);
            float[] start = learner.snapshot(1).weights();
            Compatibility c = new Compatibility(variant == 0 ? 0 : 20.0);
            c.anchor(MLP, start, 1);
            learner.compatibility(c);
            for (int s = 0; s < 60; s++) learner.step(LearnerTest.batch(100 + s, 32, 16), LearnerTest.batch(200 + s, 32, 16), 32);
            float[][] before = new FrozenEncoder(MLP, start).embed(probe, 64);
            float[][] after = new FrozenEncoder(MLP, learner.snapshot(2).weights()).embed(probe, 64);
            for (int i = 0; i < 64; i++) {
                double other = -1;
                for (int j = 0; j < 64; j++) if (j != i) other = Math.max(other, cos(after[i], before[j]));
                margin[variant] += (cos(after[i], before[i]) - other) / 64;
            }
        }
        assertTrue(margin[1] > margin[0] + 0.01, "mean margin of a probe's own anchor embedding over the nearest other: without "
                + margin[0] + ", with " + margin[1]);
    }

    static double cos(float[] a, float[] b) {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return d / Math.sqrt(na * nb + 1e-24);
    }
}
