package io.contrastream.model.encoder;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
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
        if (c.architecture() == EncoderConfig.Architecture.CNN) {
            for (int f : convFilters(c)) {
                // Same-padded 3x3 convolutions halved by 2x2 max pooling: the small CNN of the reference runs.
                list.layer(layer++, new ConvolutionLayer.Builder(3, 3).nOut(f)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build());
                list.layer(layer++, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build());
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
        int[] s = c.inputShape();
        list.setInputType(c.architecture() == EncoderConfig.Architecture.CNN
                ? InputType.convolutionalFlat(s[1], s[2], s[0])
                : InputType.feedForward(c.inputSize()));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** The CNN's filters per conv stage: the configured hidden sizes, or the reference runs' 32, 64. */
    static int[] convFilters(EncoderConfig c) {
        return c.hidden().length == 0 ? new int[] {32, 64} : c.hidden();
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
