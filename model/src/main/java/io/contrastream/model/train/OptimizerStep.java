package io.contrastream.model.train;

import io.contrastream.model.linalg.Blas;
import io.contrastream.model.linalg.Halves;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * An optimizer and its state for one flat parameter vector: Adam (Kingma and Ba, 2015) as one fused pass over
 * heap-resident moments on the CPU backend, DL4J's updater for anything else (Nesterov, other backends).
 */
abstract class OptimizerStep {

    /** The optimizer {@code u} for {@code size} parameters, with zero state. */
    static OptimizerStep of(IUpdater u, long size) {
        return u instanceof Adam a && Blas.direct() ? new HeapAdam(a, Math.toIntExact(size)) : new Dl4j(u, size);
    }

    /** grad ← the update for this gradient at {@code iteration} (0-based), in place, advancing the state. */
    abstract void apply(INDArray grad, long iteration);

    /** The state as DL4J lays it out in its view array (Adam: m then v), empty if there is none. */
    abstract float[] state();

    /** Sets the state to values saved by {@link #state()}; refuses another length, naming {@code what}. */
    abstract void restore(float[] values, String what);

    /**
     * Adam with m and v on the heap: ND4J's {@code adam_updater} op cost as much of a batch-64 step as the products
     * (JFR), as it reads and writes five native arrays element by element. Here the gradient comes in and the update
     * goes out in bulk, and the loop in between vectorises and runs in two halves. The arithmetic is the op's as its AVX2 build runs it
     * (the compiler fused the moments' first product and sum into an FMA), so the two agree to the last bit in the
     * test and a saved state trains on the same way in either.
     */
    static final class HeapAdam extends OptimizerStep {
        /** Smaller vectors (a predictor's) are updated on one thread. */
        private static final int MIN_SPLIT = 1 << 16;
        private final float lr, beta1, beta2, epsilon;
        private final float[] m, v, g;

        HeapAdam(Adam config, int size) {
            this.lr = (float) config.getLearningRate();
            this.beta1 = (float) config.getBeta1();
            this.beta2 = (float) config.getBeta2();
            this.epsilon = (float) config.getEpsilon();
            this.m = new float[size];
            this.v = new float[size];
            this.g = new float[size];
        }

        @Override
        void apply(INDArray grad, long iteration) {
            int n = m.length;
            if (grad.length() != n || grad.dataType() != DataType.FLOAT || grad.elementWiseStride() != 1) {
                throw new IllegalArgumentException("Adam over " + n + " parameters got a gradient " + grad.shapeInfoToString());
            }
            FloatBuffer buffer = grad.data().asNioFloat();
            int offset = Math.toIntExact(grad.offset());
            buffer.get(offset, g, 0, n);
            float rate = stepSize(iteration);
            float c1 = 1 - beta1;
            float c2 = 1 - beta2;
            Halves.run(n, MIN_SPLIT, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float gi = g[i];
                    float mi = Math.fma(beta1, m[i], gi * c1);
                    float vi = Math.fma(beta2, v[i], gi * gi * c2);
                    m[i] = mi;
                    v[i] = vi;
                    g[i] = (mi * rate) / ((float) Math.sqrt(vi) + epsilon);
                }
            });
            buffer.put(offset, g, 0, n);
            java.lang.ref.Reference.reachabilityFence(grad);   // the NIO view does not keep the native buffer alive
        }

        /** The bias-corrected step size at {@code iteration} (0-based), in the op's float arithmetic. */
        private float stepSize(long iteration) {
            float t = iteration + 1;
            float beta1T = (float) Math.pow(beta1, t);
            float beta2T = (float) Math.pow(beta2, t);
            float rate = (float) (lr * (float) Math.sqrt((float) (1.0 - beta2T)) / (1.0 - beta1T));
            return Float.isNaN(rate) || Float.isInfinite(rate) || rate == 0 ? epsilon : rate;
        }

        @Override
        float[] state() {
            float[] s = new float[2 * m.length];
            System.arraycopy(m, 0, s, 0, m.length);
            System.arraycopy(v, 0, s, m.length, v.length);
            return s;
        }

        @Override
        void restore(float[] values, String what) {
            LearnerState.checkLength(values, 2L * m.length, what);
            System.arraycopy(values, 0, m, 0, m.length);
            System.arraycopy(values, m.length, v, 0, v.length);
        }
    }

    /** DL4J's own updater over its native state array. */
    static final class Dl4j extends OptimizerStep {
        private final INDArray state;   // null: stateless
        private final GradientUpdater<?> updater;

        Dl4j(IUpdater u, long size) {
            long stateSize = u.stateSize(size);
            this.state = stateSize == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, stateSize);
            this.updater = u.instantiate(state, true);
        }

        @Override
        void apply(INDArray grad, long iteration) {
            updater.applyUpdater(grad, (int) iteration, 0);
        }

        @Override
        float[] state() {
            return state == null ? new float[0] : Nd4j.toFlattened('c', state).toFloatVector();
        }

        @Override
        void restore(float[] values, String what) {
            LearnerState.assign(state, values, what);   // stateless: ignores them
        }
    }
}
