package io.contrastream.model.serve;

import io.contrastream.model.linalg.Rows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Orthogonal Procrustes (Schönemann 1966): the rotation R that best maps one set of embeddings onto another of the same
 * anchor rows, R = argmin ‖A·R − B‖_F over RᵀR = I, which is U·Vᵀ for the SVD AᵀB = U·Σ·Vᵀ. Being orthogonal, R keeps
 * every cosine within one encoder's output, so aligning a new encoder costs its own kNN accuracy nothing.
 */
public final class Procrustes {

    private Procrustes() {}

    /** R (E×E, row-major) mapping the rows of {@code from} (n×E) onto those of {@code to} (n×E), both row-normalised first. */
    public static float[] fit(float[][] from, float[][] to) {
        int n = from.length;
        if (n == 0 || to.length != n) throw new IllegalArgumentException("need the same anchor rows on both sides, got " + n + " and " + to.length);
        int e = from[0].length;
        if (to[0].length != e) throw new IllegalArgumentException("both sides need the same width, got " + e + " and " + to[0].length);
        INDArray a = Nd4j.create(from);                                           // n×E: new encoder
        INDArray b = Nd4j.create(to);                                             // n×E: served space
        Rows.normalize(a);                                                        // n×E: unit rows
        Rows.normalize(b);                                                        // n×E: unit rows
        INDArray m = a.transpose().mmul(b).dup('f');                              // E×E: AᵀB
        INDArray s = Nd4j.create(DataType.FLOAT, e);
        INDArray u = Nd4j.create(DataType.FLOAT, new long[] {e, e}, 'f');
        INDArray vt = Nd4j.create(DataType.FLOAT, new long[] {e, e}, 'f');
        Nd4j.getBlasWrapper().lapack().gesvd(m, s, u, vt);                        // AᵀB = U·Σ·Vᵀ
        INDArray r = u.mmul(vt);                                                  // E×E: R = U·Vᵀ
        return r.dup('c').data().asFloat();
    }

    /** x·R for a row vector x (E) and R (E×E, row-major); returns a new array. */
    public static float[] apply(float[] x, float[] r) {
        int e = x.length;
        float[] y = new float[e];
        for (int i = 0; i < e; i++) {
            float xi = x[i];
            if (xi == 0) continue;
            int row = i * e;
            for (int j = 0; j < e; j++) y[j] += xi * r[row + j];
        }
        return y;
    }

    /** The identity rotation of width e. */
    public static float[] identity(int e) {
        float[] r = new float[e * e];
        for (int i = 0; i < e; i++) r[i * e + i] = 1;
        return r;
    }
}
