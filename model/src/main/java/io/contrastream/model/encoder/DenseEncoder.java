package io.contrastream.model.encoder;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An MLP encoder + projection head (ReLU dense layers, identity output) trained with direct sgemm calls on DL4J's
 * parameter layout. DL4J initialises the weights and owns the memory; the forward and backward passes skip its
 * per-layer machinery, which dominated the step (BENCHMARKS.md).
 */
public final class DenseEncoder implements TrainableEncoder {

    private final INDArray params;
    private final INDArray gradient;
    private final DenseStack layers;

    public DenseEncoder(EncoderConfig config) {
        if (config.architecture() != EncoderConfig.Architecture.MLP) {
            throw new IllegalArgumentException("DenseEncoder needs an MLP configuration, got " + config.architecture());
        }
        MultiLayerNetwork net = Encoders.build(config, DataType.FLOAT);
        this.params = net.params();
        this.gradient = Nd4j.zeros(DataType.FLOAT, params.shape());
        ParamLayout layout = new ParamLayout(params, gradient);
        this.layers = layout.dense(net, 0, net.getnLayers());
        layout.checkComplete();
    }

    private INDArray lastInput;

    @Override
    public INDArray forward(INDArray x) {
        lastInput = x;
        return layers.run(x, true);
    }

    @Override
    public INDArray infer(INDArray x) {
        return layers.run(x, false);
    }

    @Override
    public INDArray embed(INDArray x) {
        return layers.embed(x);
    }

    @Override
    public void backward(INDArray gradOut) {
        layers.backward(gradOut, false);
    }

    @Override
    public void backward(INDArray gradOut, INDArray gradEmbedding) {
        layers.backward(gradOut, false, gradEmbedding);
    }

    @Override
    public INDArray lastInput() {
        return lastInput;
    }

    @Override
    public INDArray lastEmbedding() {
        return layers.keptEmbedding();
    }

    /** As {@link #backward}, and returns ∂L/∂input (B×D) of the last forward, for networks stacked on another. */
    public INDArray backwardToInput(INDArray gradOut) {
        return layers.backward(gradOut, true);
    }

    @Override
    public void normalizeProjection(int groups) {
        layers.normalizeProjection(groups);
    }

    /** Batch-normalises every hidden layer from {@code fromLayer} on (a predictor's), over {@code groups} row blocks apart. */
    public void normalizeHidden(int fromLayer, int groups) {
        layers.normalizeHidden(fromLayer, groups);
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }
}
