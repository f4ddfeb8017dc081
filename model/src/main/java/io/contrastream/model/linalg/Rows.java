package io.contrastream.model.linalg;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrices given as rows: their validation, and unit L2 length under one epsilon policy, PyTorch's {@code F.normalize}
 * (MoCo's): a row is divided by max(‖x‖, {@link #EPS}), so a zero row stays zero instead of NaN and every other row
 * comes out of unit length. Squares are summed in double, whatever the rows are stored in.
 */
public final class Rows {

    /** The floor under a row's norm. */
    public static final double EPS = 1e-12;

    private Rows() {}

    /** A unit-length copy of a row, in double. */
    public static double[] normalize(float[] row) {
        double inv = 1 / norm(sumOfSquares(row));
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) out[j] = row[j] * inv;
        return out;
    }

    /** Unit-length copies of rows, in double. */
    public static double[][] normalize(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = normalize(rows[i]);
        return out;
    }

    /** The row scaled to unit length, written to {@code out} from {@code offset} on. */
    public static void normalizeInto(float[] row, float[] out, int offset) {
        double inv = 1 / norm(sumOfSquares(row));
        for (int j = 0; j < row.length; j++) out[offset + j] = (float) (row[j] * inv);
    }

    /**
     * Scales each row of a row-major matrix of width {@code cols} to unit length in place; returns the norm each row was
     * divided by (the chain rule through the normalisation needs it).
     */
    public static double[] normalize(double[] m, int cols) {
        double[] norms = new double[m.length / cols];
        for (int i = 0; i < norms.length; i++) {
            double s = 0;
            for (int j = i * cols; j < (i + 1) * cols; j++) s += m[j] * m[j];
            norms[i] = norm(s);
            double inv = 1 / norms[i];
            for (int j = i * cols; j < (i + 1) * cols; j++) m[j] *= inv;
        }
        return norms;
    }

    /**
     * Scales each row of a c-ordered float matrix to unit length in place, as a plain loop over its memory (the learner's
     * B×p keys are small); returns the norm each row was divided by.
     */
    public static double[] normalize(INDArray m) {
        if (m.dataType() != DataType.FLOAT || m.ordering() != 'c' || m.isView()) {
            throw new IllegalArgumentException("need a c-ordered FLOAT matrix of its own memory, got " + m.dataType() + " '"
                    + m.ordering() + "'" + (m.isView() ? ", a view" : ""));
        }
        FloatBuffer v = m.data().asNioFloat();
        int rows = (int) m.size(0);
        int cols = (int) m.size(1);
        double[] norms = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = i * cols; j < (i + 1) * cols; j++) s += (double) v.get(j) * v.get(j);
            norms[i] = norm(s);
            double inv = 1 / norms[i];
            for (int j = i * cols; j < (i + 1) * cols; j++) v.put(j, (float) (v.get(j) * inv));
        }
        java.lang.ref.Reference.reachabilityFence(m);   // the NIO view does not keep the native buffer alive
        return norms;
    }

    /**
     * Checks that {@code x} has at least {@code minRows} rows, all of one positive width ({@code width}, or the first
     * row's if negative) and only finite values, and returns that width.
     */
    public static int requireMatrix(float[][] x, String name, int minRows, int width) {
        if (x == null) throw new IllegalArgumentException(name + " must not be null");
        if (x.length < minRows) throw new IllegalArgumentException(name + " must have " + minRows + " or more rows, got " + x.length);
        int d = width >= 0 ? width : (x.length == 0 || x[0] == null ? 0 : x[0].length);
        if (d == 0) throw new IllegalArgumentException(name + " must have at least one column");
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException(name + " row " + i + " must have " + d + " columns");
            }
            for (float v : x[i]) {
                if (!Float.isFinite(v)) throw new IllegalArgumentException(name + " row " + i + " contains a non-finite value");
            }
        }
        return d;
    }

    /** The divisor of a row whose squares sum to {@code s}: the one place the epsilon policy is written. */
    private static double norm(double s) {
        return Math.max(Math.sqrt(s), EPS);
    }

    private static double sumOfSquares(float[] row) {
        double s = 0;
        for (float v : row) s += (double) v * v;
        return s;
    }
}
