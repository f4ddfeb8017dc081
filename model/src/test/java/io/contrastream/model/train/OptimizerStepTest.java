package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;

class OptimizerStepTest {

    private static final int SIZE = 100_001;   // odd: the vectorised loop's tail runs; large enough to run in two halves

    @Test
    void heapAdamComputesWhatNd4jsAdamComputes() {
        Adam config = new Adam(1e-2);
        OptimizerStep heap = OptimizerStep.of(config, SIZE);
        OptimizerStep nd4j = new OptimizerStep.Dl4j(config, SIZE);
        assertInstanceOf(OptimizerStep.HeapAdam.class, heap);
        Random random = new Random(7);
        for (int iteration = 0; iteration < 50; iteration++) {
            float[] g = new float[SIZE];
            for (int i = 0; i < SIZE; i++) g[i] = (float) (random.nextGaussian() * (i % 7 == 0 ? 1e-6 : 1.0));
            INDArray a = Nd4j.create(g, new long[] {1, SIZE}, DataType.FLOAT);
            INDArray b = Nd4j.create(g, new long[] {1, SIZE}, DataType.FLOAT);
            heap.apply(a, iteration);
            nd4j.apply(b, iteration);
            assertClose(b.toFloatVector(), a.toFloatVector(), "update at iteration " + iteration);
        }
        assertClose(nd4j.state(), heap.state(), "moments m|v");
    }

    @Test
    void aStateMovesBetweenTheTwoUnchanged() {
        Adam config = new Adam(1e-3);
        OptimizerStep nd4j = new OptimizerStep.Dl4j(config, SIZE);
        float[] g = new float[SIZE];
        java.util.Arrays.fill(g, 0.5f);
        nd4j.apply(Nd4j.create(g, new long[] {1, SIZE}, DataType.FLOAT), 0);
        OptimizerStep heap = OptimizerStep.of(config, SIZE);
        heap.restore(nd4j.state(), "optimizer state");
        assertArrayEquals(nd4j.state(), heap.state());
    }

    @Test
    void aStateOfAnotherSizeIsRefusedByName() {
        OptimizerStep heap = OptimizerStep.of(new Adam(1e-3), SIZE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> heap.restore(new float[4], "optimizer state"));
        assertEquals("learner state has 4 values for the optimizer state but the job's configuration needs " + 2 * SIZE, e.getMessage());
    }

    @Test
    void nesterovStaysWithDl4j() {
        assertInstanceOf(OptimizerStep.Dl4j.class, OptimizerStep.of(new Nesterovs(0.1, 0.9), SIZE));
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(Math.abs(expected[i]), 1e-30f));
        }
        // 0 with nd4j-native's AVX2 build (the default); separately rounded moments would differ by ~1e-4 where
        // m's two terms cancel, so this bound also tells whether the fused arithmetic still matches.
        assertEquals(0f, worst, 1e-6f, what + ": largest relative difference");
    }
}
