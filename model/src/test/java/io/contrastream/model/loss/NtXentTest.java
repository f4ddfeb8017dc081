package io.contrastream.model.loss;

import static io.contrastream.model.loss.DebiasedInfoNceTest.gaussian;
import static io.contrastream.model.loss.DebiasedInfoNceTest.unitRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NtXentTest {

    @Test
    void lossMatchesTheDefinition() {
        Random rng = new Random(1);
        INDArray z = gaussian(rng, 6, 5);
        INDArray q = unitRows(z);
        double tau = 0.3;
        double total = 0;
        for (int a = 0; a < 6; a++) {
            double sum = 0;
            for (int j = 0; j < 6; j++) if (j != a) sum += Math.exp(q.getRow(a).mul(q.getRow(j)).sumNumber().doubleValue() / tau);
            total += -q.getRow(a).mul(q.getRow((a + 3) % 6)).sumNumber().doubleValue() / tau + Math.log(sum);
        }
        assertEquals(total / 6, NtXent.compute(z, tau).loss(), 1e-10);
    }

    @Test
    void gradientMatchesFiniteDifferencesInDoublePrecision() {
        Random rng = new Random(2);
        INDArray z = gaussian(rng, 8, 5);
        double tau = 0.2;
        GradientCheck.assertMatches(z, x -> NtXent.compute(x, tau).loss(), NtXent.compute(z, tau).gradZ(), 1e-6, "NT-Xent");
    }

    @Test
    void rowsOfTheSameSampleAreNotEachOthersNegatives() {
        Random rng = new Random(3);
        INDArray z = gaussian(rng, 8, 5);
        INDArray q = unitRows(z);
        long[] ids = {7, 9, 7, 11};   // pairs 0 and 2 are the same sample (replay drew it twice)
        double tau = 0.25;
        double total = 0;
        for (int a = 0; a < 8; a++) {
            double sum = 0;
            for (int j = 0; j < 8; j++) {
                boolean sameSample = ids[a % 4] == ids[j % 4] && j != (a + 4) % 8;
                if (j != a && !sameSample) sum += Math.exp(q.getRow(a).mul(q.getRow(j)).sumNumber().doubleValue() / tau);
            }
            total += -q.getRow(a).mul(q.getRow((a + 4) % 8)).sumNumber().doubleValue() / tau + Math.log(sum);
        }
        InfoNce.Result r = NtXent.compute(z, tau, ids);
        assertEquals(total / 8, r.loss(), 1e-10);
        assertEquals(8, r.excluded(), "each of the 4 rows of the repeated sample masks the 2 rows of its twin");
        GradientCheck.assertMatches(z, x -> NtXent.compute(x, tau, ids).loss(), r.gradZ(), 1e-6, "masked NT-Xent");
    }
}
