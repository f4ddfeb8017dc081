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
        GradientCheck.assertMatches(p, x -> CosineRegression.compute(x, t).loss(), CosineRegression.compute(p, t).gradZ(), 1e-7,
                "2 − 2cos");
    }
}
