package io.contrastream.model.loss;

import io.contrastream.model.linalg.Rows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The negative-free loss of BYOL (Grill et al. 2020) and SimSiam (Chen &amp; He 2021): the mean over rows of
 * ‖p̂ − t̂‖² = 2 − 2 cos(p, t) between predictions p and stop-gradient targets t. With p̂ = p/|p|,
 * ∂L/∂p = −2 (t̂ − (p̂·t̂) p̂) / (|p| · n).
 */
public final class CosineRegression {

    private CosineRegression() {}

    /** @param p n×d predictions (gradient flows here); @param t n×d targets (no gradient) */
    public static InfoNce.Result compute(INDArray p, INDArray t) {
        int n = (int) p.size(0);
        int d = (int) p.size(1);
        if (t.size(0) != n || t.size(1) != d) throw new IllegalArgumentException("predictions and targets differ in shape");
        double[] pv = Nd4j.toFlattened('c', p).toDoubleVector();                 // n×d, p̂ below
        double[] tv = Nd4j.toFlattened('c', t).toDoubleVector();                 // n×d, t̂ below
        double[] pn = Rows.normalize(pv, d);                                     // n: |p|
        Rows.normalize(tv, d);
        double[] grad = new double[n * d];
        double loss = 0;
        double cosSum = 0;
        for (int i = 0; i < n; i++) {
            double cos = 0;
            for (int j = 0; j < d; j++) cos += pv[i * d + j] * tv[i * d + j];
            loss += 2 - 2 * cos;
            cosSum += cos;
            for (int j = 0; j < d; j++) grad[i * d + j] = -2 * (tv[i * d + j] - cos * pv[i * d + j]) / (pn[i] * n);
        }
        return new InfoNce.Result(loss / n, Nd4j.create(grad, new long[] {n, d}, 'c').castTo(p.dataType()), cosSum / n, Double.NaN, 0);
    }
}
