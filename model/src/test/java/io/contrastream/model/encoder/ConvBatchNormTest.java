package io.contrastream.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Batch normalisation in the im2col CNN must compute what DL4J's BatchNormalization layer computes, in both modes. */
class ConvBatchNormTest {

    static final EncoderConfig CNN = ConvEncoderTest.CNN.withConvBatchNorm(true);
    static final EncoderConfig CONV1D = ConvEncoderTest.CONV1D.withConvBatchNorm(true);

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void trainingForwardGradientAndRunningStatisticsMatchDl4jLayers() {
        matchesDl4jInTraining(CNN);
        matchesDl4jInTraining(CONV1D);
    }

    private static void matchesDl4jInTraining(EncoderConfig c) {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, c.inputSize()).addi(0.5);   // non-zero means to normalise away
        INDArray dOut = Nd4j.randn(DataType.FLOAT, 6, 5);
        ConvEncoder fast = new ConvEncoder(c);
        MultiLayerNetwork net = Encoders.build(c, DataType.FLOAT);
        INDArray before = net.params().dup();
        assertEquals(0.0, maxDiff(fast.params(), before), 0.0, "same seed, same initial weights");

        INDArray yFast = fast.forward(x.dup());
        net.setInput(x.dup());
        var acts = net.feedForward(true, false);
        INDArray yRef = acts.get(acts.size() - 1);
        assertTrue(maxDiff(yFast, yRef) < 1e-5, "forward differs by " + maxDiff(yFast, yRef));

        fast.backward(dOut.dup());
        Gradient g = net.backpropGradient(dOut.dup(), LayerWorkspaceMgr.noWorkspaces()).getFirst();
        INDArray expected = g.gradient().dup();
        // DL4J hands its running-statistic update out as a gradient, (running − batch)·(1 − decay), applied by a
        // no-op updater as params − gradient; the im2col path applies it in the forward pass and leaves zeros.
        float[] expectedParams = before.toFloatVector();
        for (String name : net.paramTable().keySet()) {
            if (!name.endsWith("_mean") && !name.endsWith("_var")) continue;
            float[] update = g.getGradientFor(name).toFloatVector();
            int from = offset(net, name);
            for (int i = 0; i < update.length; i++) expectedParams[from + i] -= update[i];
            g.getGradientFor(name).assign(0);
        }
        double dg = maxDiff(fast.gradient(), g.gradient());
        assertTrue(dg < 1e-4, "gradient differs by " + dg);
        assertTrue(fast.gradient().norm2Number().doubleValue() > 0.1, "a real, non-zero gradient");
        double dp = maxDiff(fast.params(), Nd4j.createFromArray(expectedParams).reshape(fast.params().shape()));
        assertTrue(dp < 1e-6, "running statistics differ by " + dp);
        assertTrue(maxDiff(fast.params(), before) > 1e-3, "the running statistics moved");
        assertTrue(maxDiff(expected, g.gradient()) > 0, "DL4J did report running-statistic updates");
    }

    /** Where parameter {@code name} starts in the flat vector. */
    private static int offset(MultiLayerNetwork net, String name) {
        int from = 0;
        for (var e : net.paramTable().entrySet()) {
            if (e.getKey().equals(name)) return from;
            from += (int) e.getValue().length();
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void inferenceNormalisesWithTheRunningStatisticsAsDl4jDoes() {
        Nd4j.getRandom().setSeed(8);
        ConvEncoder fast = new ConvEncoder(CNN);
        for (int i = 0; i < 3; i++) fast.forward(Nd4j.randn(DataType.FLOAT, 5, CNN.inputSize()).muli(2).addi(1));   // moves them
        fast.params().muli(1.1);   // γ, β and running statistics away from their initial values too
        MultiLayerNetwork net = Encoders.build(CNN, DataType.FLOAT);
        net.setParams(fast.params().dup());
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, CNN.inputSize());
        INDArray yRef = net.output(x.dup(), false);
        assertTrue(maxDiff(fast.infer(x.dup()), yRef) < 1e-5, "infer differs by " + maxDiff(fast.infer(x.dup()), yRef));
        // One row alone embeds as it does in a batch: inference has no batch dependence.
        INDArray one = fast.embed(x.getRow(0, true).dup()).dup();
        assertTrue(maxDiff(one, fast.embed(x.dup()).getRow(0, true)) < 1e-6);
        FrozenEncoder frozen = new FrozenEncoder(CNN, fast.params().toFloatVector());
        float[][] served = frozen.embed(x.dup().data().asFloat(), 3);
        assertTrue(maxDiff(fast.embed(x.dup()), Nd4j.createFromArray(served)) < 1e-6, "serving uses the same path");
    }

    @Test
    void theOptimizerCannotMoveTheRunningStatistics() {
        Nd4j.getRandom().setSeed(9);
        ConvEncoder fast = new ConvEncoder(CNN);
        fast.forward(Nd4j.randn(DataType.FLOAT, 4, CNN.inputSize()));
        fast.backward(Nd4j.randn(DataType.FLOAT, 4, 5));
        MultiLayerNetwork net = Encoders.build(CNN, DataType.FLOAT);
        java.util.Set<Integer> statistics = new java.util.HashSet<>();
        for (String name : net.paramTable().keySet()) {
            if (!name.endsWith("_mean") && !name.endsWith("_var")) continue;
            for (int i = 0; i < net.getParam(name).length(); i++) statistics.add(offset(net, name) + i);
        }
        assertEquals(2 * (4 + 6), statistics.size(), "running mean and variance of both stages");
        float[] decayed = fast.gradient().add(fast.params()).toFloatVector();   // weight decay's g + λθ, λ = 1
        fast.gradient().addi(fast.params());
        fast.clearStatisticsGradient();
        float[] g = fast.gradient().toFloatVector();
        for (int i = 0; i < g.length; i++) {
            assertEquals(statistics.contains(i) ? 0f : decayed[i], g[i], 0f, "slot " + i);
        }
    }

    @Test
    void theOptionIsOffByDefaultAndOldJsonReadsAsOff() {
        EncoderConfig plain = ConvEncoderTest.CNN;
        assertFalse(plain.convBatchNorm());
        assertFalse(plain.toJson().contains("convBatchNorm"), "old-default JSON is unchanged: " + plain.toJson());
        assertEquals(plain, EncoderConfig.fromJson(plain.toJson()));
        assertEquals(CNN, EncoderConfig.fromJson(CNN.toJson()));
        assertTrue(CNN.toJson().contains("\"convBatchNorm\":true"));
        assertFalse(CNN.equals(plain), "a snapshot of one does not load as the other");
        long plainSize = new ConvEncoder(plain).params().length();
        assertEquals(plainSize - (4 + 6) + 4 * (4 + 6), new ConvEncoder(CNN).params().length(), "no conv bias; γ, β, μ, σ²");
    }
}
