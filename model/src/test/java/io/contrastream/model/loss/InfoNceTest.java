package io.contrastream.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class InfoNceTest {

    private static INDArray gaussian(Random rng, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = rng.nextGaussian();
        return Nd4j.create(a);
    }

    private static INDArray unitRows(INDArray a) {
        return a.divColumnVector(a.norm2(1).reshape(a.size(0), 1));
    }

    /** The loss by its definition: −log softmax over the concatenated logits, computed naively. */
    private static double naiveLoss(INDArray z, INDArray k, INDArray neg, double tau) {
        INDArray q = unitRows(z);
        double total = 0;
        for (int i = 0; i < z.size(0); i++) {
            double pos = q.getRow(i).mul(k.getRow(i)).sumNumber().doubleValue() / tau;
            double sum = Math.exp(pos);
            for (int j = 0; j < neg.size(0); j++) sum += Math.exp(q.getRow(i).mul(neg.getRow(j)).sumNumber().doubleValue() / tau);
            total += Math.log(sum) - pos;
        }
        return total / z.size(0);
    }

    @Test
    void lossMatchesTheDefinition() {
        Random rng = new Random(7);
        INDArray z = gaussian(rng, 5, 8);
        INDArray k = unitRows(gaussian(rng, 5, 8));
        INDArray neg = unitRows(gaussian(rng, 11, 8));
        InfoNce.Result r = InfoNce.compute(z, k, neg, 0.2);
        assertEquals(naiveLoss(z, k, neg, 0.2), r.loss(), 1e-10);
    }

    @Test
    void gradientMatchesFiniteDifferencesInDoublePrecision() {
        Random rng = new Random(11);
        INDArray z = gaussian(rng, 4, 6);
        INDArray k = unitRows(gaussian(rng, 4, 6));
        INDArray neg = unitRows(gaussian(rng, 9, 6));
        double tau = 0.1;
        INDArray grad = InfoNce.compute(z, k, neg, tau).gradZ();
        double eps = 1e-6;
        double maxRel = 0;
        for (int i = 0; i < z.size(0); i++) {
            for (int j = 0; j < z.size(1); j++) {
                double orig = z.getDouble(i, j);
                z.putScalar(i, j, orig + eps);
                double up = InfoNce.compute(z, k, neg, tau).loss();
                z.putScalar(i, j, orig - eps);
                double down = InfoNce.compute(z, k, neg, tau).loss();
                z.putScalar(i, j, orig);
                double numeric = (up - down) / (2 * eps);
                double analytic = grad.getDouble(i, j);
                maxRel = Math.max(maxRel, Math.abs(numeric - analytic) / Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic)));
            }
        }
        assertTrue(maxRel < 1e-6, "max relative error " + maxRel);
    }

    @Test
    void theFloatPathAgreesWithTheDoublePath() {
        Random rng = new Random(13);
        INDArray z = gaussian(rng, 16, 8);
        INDArray k = unitRows(gaussian(rng, 16, 8));
        INDArray neg = unitRows(gaussian(rng, 40, 8));
        InfoNce.Result exact = InfoNce.compute(z, k, neg, 0.1);
        InfoNce.Result fast = InfoNce.compute(z.castTo(DataType.FLOAT), k.castTo(DataType.FLOAT), neg.castTo(DataType.FLOAT), 0.1);
        assertEquals(exact.loss(), fast.loss(), 1e-4);
        assertEquals(exact.positiveCosine(), fast.positiveCosine(), 1e-5);
        assertEquals(exact.negativeCosine(), fast.negativeCosine(), 1e-5);
        double diff = exact.gradZ().sub(fast.gradZ().castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "gradient differs by " + diff);
        assertEquals(DataType.FLOAT, fast.gradZ().dataType());
    }

    @Test
    void emptyQueueLeavesOnlyThePositiveAndZeroLoss() {
        Random rng = new Random(3);
        INDArray z = gaussian(rng, 3, 4);
        INDArray k = unitRows(gaussian(rng, 3, 4));
        InfoNce.Result r = InfoNce.compute(z, k, Nd4j.zeros(DataType.DOUBLE, 0, 4), 0.2);
        assertEquals(0.0, r.loss(), 1e-12);
        assertEquals(0.0, r.gradZ().norm2Number().doubleValue(), 1e-12);
    }

    @Test
    void lossFallsWhenTheQueryMovesTowardsItsKey() {
        Random rng = new Random(5);
        INDArray k = unitRows(gaussian(rng, 2, 4));
        INDArray neg = unitRows(gaussian(rng, 16, 4));
        INDArray far = gaussian(rng, 2, 4);
        double before = InfoNce.compute(far, k, neg, 0.2).loss();
        double after = InfoNce.compute(k.dup(), k, neg, 0.2).loss();
        assertTrue(after < before, "aligned query should have lower loss: " + after + " vs " + before);
    }

    @Test
    void anExcludedNegativeIsAsIfItWereNotInTheQueue() {
        Random rng = new Random(13);
        INDArray z = gaussian(rng, 3, 6);
        INDArray k = unitRows(gaussian(rng, 3, 6));
        INDArray neg = unitRows(gaussian(rng, 7, 6));
        // Query 1 may not use negative 4: its loss and gradient must equal those against the queue without row 4.
        InfoNce.Result masked = InfoNce.compute(z, k, neg, 0.2, new InfoNce.Exclusions(new int[] {1 * 7 + 4}, 1, 1.0));
        INDArray without = Nd4j.vstack(neg.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()), neg.get(NDArrayIndex.interval(5, 7), NDArrayIndex.all()));
        INDArray row = z.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all());
        InfoNce.Result alone = InfoNce.compute(row, k.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all()), without, 0.2);
        assertEquals(1, masked.excluded());
        for (int j = 0; j < 6; j++) assertEquals(alone.gradZ().getDouble(0, j) / 3, masked.gradZ().getDouble(1, j), 1e-12, "the batch mean divides by 3");
        double others = 0;
        for (int i : new int[] {0, 2}) {
            others += InfoNce.compute(z.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()),
                    k.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all()), neg, 0.2).loss();
        }
        assertEquals((others + alone.loss()) / 3, masked.loss(), 1e-12);
    }

    @Test
    void negativesAboveTheCosineLimitAreDropped() {
        Random rng = new Random(17);
        INDArray z = gaussian(rng, 1, 5);
        INDArray k = unitRows(gaussian(rng, 1, 5));
        INDArray neg = Nd4j.vstack(unitRows(z.dup()), unitRows(gaussian(rng, 4, 5)));   // row 0: the query itself
        InfoNce.Result r = InfoNce.compute(z, k, neg, 0.2, new InfoNce.Exclusions(new int[0], 0, 0.95));
        InfoNce.Result without = InfoNce.compute(z, k, neg.get(NDArrayIndex.interval(1, 5), NDArrayIndex.all()), 0.2);
        assertTrue(r.excluded() >= 1, "the duplicate (cosine 1) is dropped");
        if (r.excluded() == 1) assertEquals(without.loss(), r.loss(), 1e-12);
    }
}
