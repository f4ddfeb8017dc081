package io.contrastream.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DebiasedInfoNceTest {

    static INDArray gaussian(Random rng, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = rng.nextGaussian();
        return Nd4j.create(a);
    }

    static INDArray unitRows(INDArray a) {
        return a.divColumnVector(a.norm2(1).reshape(a.size(0), 1));
    }

    static double loss(INDArray z, INDArray k, INDArray neg, double tau, double tauPlus, double beta) {
        return DebiasedInfoNce.compute(z, k, neg, tau, tauPlus, beta, InfoNce.Exclusions.NONE).loss();
    }

    @Test
    void withoutDebiasingOrHardnessItIsInfoNce() {
        Random rng = new Random(3);
        INDArray z = gaussian(rng, 5, 8);
        INDArray k = unitRows(gaussian(rng, 5, 8));
        INDArray neg = unitRows(gaussian(rng, 13, 8));
        InfoNce.Result plain = InfoNce.compute(z, k, neg, 0.2);
        InfoNce.Result same = DebiasedInfoNce.compute(z, k, neg, 0.2, 0, 0, InfoNce.Exclusions.NONE);
        assertEquals(plain.loss(), same.loss(), 1e-10);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 8; j++) assertEquals(plain.gradZ().getDouble(i, j), same.gradZ().getDouble(i, j), 1e-10);
    }

    @Test
    void debiasedLossMatchesChuangsFormula() {
        Random rng = new Random(5);
        INDArray z = gaussian(rng, 1, 6);
        INDArray k = unitRows(gaussian(rng, 1, 6));
        INDArray neg = unitRows(gaussian(rng, 9, 6));
        double tau = 0.5;
        double tauPlus = 0.1;
        INDArray q = unitRows(z);
        double pos = Math.exp(q.mul(k).sumNumber().doubleValue() / tau);
        double sum = 0;
        for (int j = 0; j < 9; j++) sum += Math.exp(q.mul(neg.getRow(j)).sumNumber().doubleValue() / tau);
        double ng = Math.max((sum - 9 * tauPlus * pos) / (1 - tauPlus), 9 * Math.exp(-1 / tau));
        assertEquals(-Math.log(pos / (pos + ng)), loss(z, k, neg, tau, tauPlus, 0), 1e-10);
    }

    @Test
    void gradientMatchesFiniteDifferencesInDoublePrecision() {
        for (double[] setting : new double[][] {{0.2, 0.1, 1.0}, {0.5, 0.05, 0.5}, {0.3, 0.0, 2.0}, {0.5, 0.3, 0.0}}) {
            Random rng = new Random(7);
            INDArray z = gaussian(rng, 4, 6);
            INDArray k = unitRows(gaussian(rng, 4, 6));
            INDArray neg = unitRows(gaussian(rng, 11, 6));
            double tau = setting[0];
            INDArray grad = DebiasedInfoNce.compute(z, k, neg, tau, setting[1], setting[2], InfoNce.Exclusions.NONE).gradZ();
            GradientCheck.assertMatches(z, x -> loss(x, k, neg, tau, setting[1], setting[2]), grad, 1e-6,
                    "τ " + tau + ", τ⁺ " + setting[1] + ", β " + setting[2]);
        }
    }

    @Test
    void hardNegativesWeighMore() {
        Random rng = new Random(9);
        INDArray z = gaussian(rng, 1, 6);
        INDArray k = unitRows(gaussian(rng, 1, 6));
        INDArray neg = unitRows(Nd4j.vstack(z.add(gaussian(rng, 1, 6).mul(0.1)), gaussian(rng, 8, 6)));   // row 0: hard
        double plain = loss(z, k, neg, 0.2, 0, 0);
        double hard = loss(z, k, neg, 0.2, 0, 2);
        assertTrue(hard > plain, "the near-duplicate negative counts more with β = 2: " + hard + " vs " + plain);
    }
}
