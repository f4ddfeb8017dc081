package io.contrastream.model.loss;

import static io.contrastream.model.loss.DebiasedInfoNceTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class CosineRegressionTest {

    @Test
    void lossIsTwoMinusTwiceTheCosineAndItsGradientMatchesFiniteDifferences() {
        Random rng = new Random(4);
        INDArray p = gaussian(rng, 5, 7);
        INDArray t = gaussian(rng, 5, 7);
        double cos = 0;
        for (int i = 0; i < 5; i++) {
            cos += p.getRow(i).mul(t.getRow(i)).sumNumber().doubleValue()
                    / (p.getRow(i).norm2Number().doubleValue() * t.getRow(i).norm2Number().doubleValue());
        }
        assertEquals(2 - 2 * cos / 5, CosineRegression.compute(p, t).loss(), 1e-10);
        INDArray grad = CosineRegression.compute(p, t).gradZ();
        double eps = 1e-6;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 7; j++) {
                double orig = p.getDouble(i, j);
                p.putScalar(i, j, orig + eps);
                double up = CosineRegression.compute(p, t).loss();
                p.putScalar(i, j, orig - eps);
                double down = CosineRegression.compute(p, t).loss();
                p.putScalar(i, j, orig);
                assertEquals((up - down) / (2 * eps), grad.getDouble(i, j), 1e-7, "at (" + i + ", " + j + ")");
            }
        }
    }
}
