package io.contrastream.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The im2col CNN must compute exactly what DL4J's own convolution, pooling and dense layers compute. */
class ConvEncoderTest {

    /** Odd map sizes on purpose: pooling truncates 9×7 to 4×3, then 4×3 to 2×1, as DL4J does. */
    static final EncoderConfig CNN = new EncoderConfig(EncoderConfig.Architecture.CNN, new int[] {2, 9, 7},
            new int[] {4, 6}, 10, 8, 5, 11);

    /** A 3-channel window of 13 steps: 1×5 kernels reach past both ends, pooling truncates 13 to 6, then 6 to 3. */
    static final EncoderConfig CONV1D = new EncoderConfig(EncoderConfig.Architecture.CONV1D, new int[] {3, 13},
            new int[] {4, 6}, 10, 8, 5, 12);

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void forwardAndGradientMatchDl4jLayers() {
        matchesDl4j(CNN, 2 * 9);
    }

    @Test
    void theTemporalCnnAlsoMatchesDl4jLayers() {
        matchesDl4j(CONV1D, 3 * 5);
        assertEquals(EncoderConfig.Architecture.CONV1D, EncoderConfig.defaultArchitecture(new int[] {3, 13}));
    }

    private static void matchesDl4j(EncoderConfig CNN, int firstKernelVolume) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, CNN.inputSize());
        INDArray dOut = Nd4j.randn(DataType.FLOAT, 6, 5);
        ConvEncoder fast = new ConvEncoder(CNN);
        Dl4jEncoder reference = new Dl4jEncoder(CNN);
        assertEquals(0.0, maxDiff(fast.params(), reference.params()), 0.0, "same seed, same initial weights");

        INDArray yFast = fast.forward(x.dup());
        INDArray yRef = reference.forward(x.dup());
        assertTrue(maxDiff(yFast, yRef) < 1e-5, "forward differs by " + maxDiff(yFast, yRef));
        assertTrue(maxDiff(fast.infer(x.dup()), yRef) < 1e-5, "infer equals forward");

        fast.backward(dOut.dup());
        reference.backward(dOut.dup());
        double diff = maxDiff(fast.gradient(), reference.gradient());
        assertTrue(diff < 1e-4, "gradient differs by " + diff);
        assertTrue(fast.gradient().norm2Number().doubleValue() > 0.1, "a real, non-zero gradient");
        // Every conv stage receives gradient (the input gradient of the second stage reached the first).
        float[] g = fast.gradient().toFloatVector();
        double firstStage = 0;
        for (int i = 0; i < 4 + 4 * firstKernelVolume; i++) firstStage += Math.abs(g[i]);
        assertTrue(firstStage > 0);
    }

    @Test
    void inferenceBetweenTrainingStepsDoesNotDisturbBackward() {
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, CNN.inputSize());
        INDArray other = Nd4j.randn(DataType.FLOAT, 3, CNN.inputSize());
        INDArray dOut = Nd4j.randn(DataType.FLOAT, 4, 5);
        ConvEncoder a = new ConvEncoder(CNN);
        a.forward(x.dup());
        a.backward(dOut.dup());
        INDArray expected = a.gradient().dup();
        a.forward(x.dup());
        a.infer(other.dup());   // the key encoder's pass in MoCo uses the other buffers
        a.backward(dOut.dup());
        assertEquals(0.0, maxDiff(a.gradient(), expected), 0.0);
    }

    @Test
    void embeddingMatchesTheFrozenEncoder() {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, CNN.inputSize());
        ConvEncoder fast = new ConvEncoder(CNN);
        fast.params().muli(1.3);
        FrozenEncoder frozen = new FrozenEncoder(CNN, fast.params().toFloatVector());
        float[][] expected = frozen.embed(x.dup().data().asFloat(), 5);
        INDArray e = fast.embed(x.dup());
        assertTrue(maxDiff(e, Nd4j.createFromArray(expected)) < 1e-5);
    }
}
