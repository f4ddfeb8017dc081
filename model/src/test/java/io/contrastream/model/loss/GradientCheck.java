package io.contrastream.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Central finite differences of a scalar loss in double precision, element by element, against an analytic gradient. */
final class GradientCheck {

    private GradientCheck() {}

    static void assertMatches(INDArray z, ToDoubleFunction<INDArray> loss, INDArray grad, double relTol, String what) {
        double eps = 1e-6;
        for (int i = 0; i < z.size(0); i++) {
            for (int j = 0; j < z.size(1); j++) {
                double orig = z.getDouble(i, j);
                z.putScalar(i, j, orig + eps);
                double up = loss.applyAsDouble(z);
                z.putScalar(i, j, orig - eps);
                double down = loss.applyAsDouble(z);
                z.putScalar(i, j, orig);
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, grad.getDouble(i, j), relTol * Math.max(1, Math.abs(numeric)), what + " at (" + i + ", " + j + ")");
            }
        }
    }
}
