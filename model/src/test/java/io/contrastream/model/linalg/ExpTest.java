package io.contrastream.model.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ExpTest {

    @Test
    void withinOneUlpOfTheExactValueAndExactAtTheEdges() {
        Random random = new Random(3);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            float x = (float) (random.nextDouble() * 175 - 87);   // where e^x is a normal float
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(Exp.exp(x) - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst <= 1.0, "worst error " + worst + " ulp");
        assertEquals(0f, Exp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Exp.exp(0f));
        assertEquals(1f, Exp.exp(-0f));
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(89f));
        assertTrue(Float.isNaN(Exp.exp(Float.NaN)));
        assertEquals((float) Math.exp(88.5f), Exp.exp(88.5f), "past the polynomial's range: Math.exp");
    }

    @Test
    void rowsAreExponentiatedInPlaceWithTheirSums() {
        int rows = 33;
        int cols = 17;
        float[] v = new float[rows * cols];
        Random random = new Random(4);
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian() * 5;
        v[5] = Float.NEGATIVE_INFINITY;   // an excluded logit
        INDArray m = Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
        double[] sums = Exp.rowsInPlace(m);
        float[] out = m.reshape(rows * cols).toFloatVector();
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                assertEquals(Exp.exp(v[i * cols + j]), out[i * cols + j], "element " + i + "," + j);
                sum += out[i * cols + j];
            }
            assertEquals(sum, sums[i], "row " + i);
        }
        assertEquals(0f, out[5]);
    }
}
