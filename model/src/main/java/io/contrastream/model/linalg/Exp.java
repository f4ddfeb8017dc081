package io.contrastream.model.linalg;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * e^x in float for the softmax numerators: Cephes' expf (range reduction by ln 2 in two parts, a degree-5 polynomial,
 * within 1 ulp of the exact value on the logits' range), over a matrix's rows in two halves with their sums. ND4J's exp
 * op and its row sum were a sixth of a batch-256 learner step, on one thread.
 */
public final class Exp {

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;       // ln 2 = LN2_HI + LN2_LO, the first exact in few bits
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;            // 1.5·2²³: x + ROUND − ROUND rounds x to an integer
    private static final float LOW = -87.33f;                // below, e^x is subnormal (or 0): not 2ⁿ·e^r with n ≥ −126
    private static final float HIGH = 88.37f;                // above, n would be 128
    private static final int MIN_SPLIT_ROWS = 8;
    private static final ThreadLocal<float[]> HEAP = ThreadLocal.withInitial(() -> new float[0]);

    private Exp() {}

    /** e^x (e^−∞ = 0, NaN for NaN); the few values out of the polynomial's range go to {@link Math#exp}. */
    public static float exp(float x) {
        if (x < LOW || x > HIGH) return (float) Math.exp(x);
        float n = (x * LOG2E + ROUND) - ROUND;                                  // x = n·ln 2 + r, |r| ≤ ln 2 / 2
        float r = (x - n * LN2_HI) - n * LN2_LO;
        float p = ((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r + 4.1665795894E-2f) * r
                + 1.6666665459E-1f) * r + 5.0000001201E-1f;
        return (p * (r * r) + r + 1f) * Float.intBitsToFloat(((int) n + 127) << 23);  // e^r · 2ⁿ
    }

    /**
     * Every element of a row-major float matrix ← e^x, in place; returns each row's sum, in double. Not a view: the
     * whole buffer is the matrix.
     */
    public static double[] rowsInPlace(INDArray m) {
        if (m.rank() != 2 || m.dataType() != DataType.FLOAT || m.ordering() != 'c' || m.isView()) {
            throw new IllegalArgumentException("exp of rows needs a whole row-major float matrix, got " + m.shapeInfoToString());
        }
        int rows = (int) m.size(0);
        int cols = (int) m.size(1);
        int n = rows * cols;
        float[] v = HEAP.get();
        if (v.length < n) HEAP.set(v = new float[n]);
        FloatBuffer buffer = m.data().asNioFloat();
        buffer.get(0, v, 0, n);
        double[] sums = new double[rows];
        float[] values = v;
        Halves.run(rows, MIN_SPLIT_ROWS, (from, to) -> {
            for (int i = from; i < to; i++) {
                double sum = 0;
                for (int j = i * cols, end = j + cols; j < end; j++) sum += values[j] = exp(values[j]);
                sums[i] = sum;
            }
        });
        buffer.put(0, v, 0, n);
        java.lang.ref.Reference.reachabilityFence(m);   // the NIO view does not keep the native buffer alive
        return sums;
    }
}
