package io.contrastream.model.encoder;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

/** Builds encoder + projection-head networks on DL4J; the backbone's last layer is the embedding. */
public final class Encoders {

    private Encoders() {}

    /**
     * A freshly initialised network (backbone + projection head). It carries no optimizer: the learner applies its
     * own to the flat gradient, so DL4J's updater state would only be dead memory.
     */
    public static MultiLayerNetwork build(EncoderConfig c, DataType dataType) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(dataType)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .list();
        int layer = 0;
        if (c.architecture().convolutional()) {
            int[] k = kernel(c);
            int[] p = pool(c);
            for (int f : convFilters(c)) {
                // Same-padded convolutions halved by max pooling: the small CNN of the reference runs for images
                // (3×3, 2×2); along time only for windows (1×5, 1×2), as a 1-D temporal CNN (Wang et al. 2017).
                if (c.convBatchNorm()) {
                    // conv → BN → ReLU (Ioffe & Szegedy 2015, §3.2): no conv bias, since BN's mean subtraction
                    // cancels it and β takes its place; running statistics stored as plain variances ("var"), not
                    // DL4J's default log10 standard deviations, so the im2col path reads and writes them directly.
                    list.layer(layer++, new ConvolutionLayer.Builder(k[0], k[1]).nOut(f).hasBias(false)
                            .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build());
                    list.layer(layer++, new BatchNormalization.Builder().useLogStd(false)
                            .decay(BN_DECAY).eps(BN_EPS).build());
                    list.layer(layer++, new ActivationLayer.Builder().activation(Activation.RELU).build());
                } else {
                    list.layer(layer++, new ConvolutionLayer.Builder(k[0], k[1]).nOut(f)
                            .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build());
                }
                list.layer(layer++, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(p[0], p[1]).stride(p[0], p[1]).build());
            }
        } else {
            for (int h : c.hidden()) {
                list.layer(layer++, new DenseLayer.Builder().nOut(h).activation(Activation.RELU).build());
            }
        }
        list.layer(layer++, new DenseLayer.Builder().nOut(c.embeddingDim()).activation(Activation.RELU).build());
        list.layer(layer++, new DenseLayer.Builder().nOut(c.projectionHidden()).activation(Activation.RELU).build());
        list.layer(layer, new DenseLayer.Builder().nOut(c.projectionDim()).activation(Activation.IDENTITY)
                .weightInit(WeightInit.XAVIER).build());
        int[] s = c.mapShape();
        list.setInputType(c.architecture().convolutional()
                ? InputType.convolutionalFlat(s[1], s[2], s[0])
                : InputType.feedForward(c.inputSize()));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** DL4J's defaults for its BatchNormalization layer: running statistics ← decay·old + (1 − decay)·batch. */
    static final double BN_DECAY = 0.9;
    static final double BN_EPS = 1e-5;

    /** DL4J layers per conv stage: conv, pool; or conv, batch norm, ReLU, pool. */
    static int layersPerStage(EncoderConfig c) {
        return c.convBatchNorm() ? 4 : 2;
    }

    /** The filters per conv stage of a CNN or CONV1D configured without hidden sizes: the reference runs' small CNN. */
    public static int[] defaultConvFilters() {
        return new int[] {32, 64};
    }

    /** The CNN's filters per conv stage: the configured hidden sizes, or {@link #defaultConvFilters()}. */
    static int[] convFilters(EncoderConfig c) {
        return c.hidden().length == 0 ? defaultConvFilters() : c.hidden();
    }

    /** Kernel [kh, kw] of every conv stage. */
    static int[] kernel(EncoderConfig c) {
        return c.architecture() == EncoderConfig.Architecture.CONV1D ? new int[] {1, 5} : new int[] {3, 3};
    }

    /** Max-pooling window (and stride) [ph, pw] after every conv stage. */
    static int[] pool(EncoderConfig c) {
        return c.architecture() == EncoderConfig.Architecture.CONV1D ? new int[] {1, 2} : new int[] {2, 2};
    }

    /** Number of conv + pool stages of a CNN configuration. */
    static int convStages(EncoderConfig c) {
        return convFilters(c).length;
    }

    /** Index of the embedding layer (the backbone's last layer): two layers before the projection output. */
    public static int embeddingLayer(MultiLayerNetwork net) {
        return net.getnLayers() - 3;
    }
}
