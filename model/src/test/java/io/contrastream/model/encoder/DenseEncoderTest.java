package io.contrastream.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The BLAS-direct MLP must compute exactly what DL4J's own layers compute, forward and backward. */
class DenseEncoderTest {

    static final EncoderConfig MLP = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {12},
            new int[] {16, 10}, 8, 8, 6, 5);

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void forwardAndGradientMatchDl4jLayers() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 7, 12);
        INDArray dOut = Nd4j.randn(DataType.FLOAT, 7, 6);
        DenseEncoder fast = new DenseEncoder(MLP);
        Dl4jEncoder reference = new Dl4jEncoder(MLP);
        assertEquals(0.0, maxDiff(fast.params(), reference.params()), 0.0, "same seed, same initial weights");

        INDArray yFast = fast.forward(x.dup());
        INDArray yRef = reference.forward(x.dup());
        assertTrue(maxDiff(yFast, yRef) < 1e-5, "forward differs by " + maxDiff(yFast, yRef));
        assertTrue(maxDiff(fast.infer(x.dup()), yRef) < 1e-5);

        fast.backward(dOut.dup());
        reference.backward(dOut.dup());
        double diff = maxDiff(fast.gradient(), reference.gradient());
        assertTrue(diff < 1e-5, "gradient differs by " + diff);
        assertTrue(fast.gradient().norm2Number().doubleValue() > 0.1, "a real, non-zero gradient");
    }

    @Test
    void snapshotsOfTheFastEncoderLoadIntoTheFrozenEncoder() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 12);
        DenseEncoder fast = new DenseEncoder(MLP);
        fast.params().muli(1.5);   // weights the DL4J initialiser would not produce
        Dl4jEncoder reference = new Dl4jEncoder(MLP);
        reference.params().assign(fast.params());
        assertTrue(maxDiff(fast.infer(x.dup()), reference.infer(x.dup())) < 1e-5, "the layer views alias the flat parameters");
        FrozenEncoder frozen = new FrozenEncoder(MLP, fast.params().toFloatVector());
        float[][] e = frozen.embed(x.dup().data().asFloat(), 3);
        assertEquals(8, e[0].length);
    }
}
