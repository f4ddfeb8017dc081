package io.contrastream.model.encoder;

import java.util.List;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Any encoder through DL4J's own layers: feed forward, then back-propagate an externally computed gradient, the DL4J
 * route to a custom objective (deeplearning4j-examples, MultiLayerNetworkExternalErrors).
 */
public final class Dl4jEncoder implements TrainableEncoder {

    private final MultiLayerNetwork net;
    private INDArray gradient;

    public Dl4jEncoder(EncoderConfig config) {
        this.net = Encoders.build(config, DataType.FLOAT);
    }

    @Override
    public INDArray forward(INDArray x) {
        net.setInput(x);
        List<INDArray> acts = net.feedForward(true, false);
        return acts.get(acts.size() - 1);
    }

    @Override
    public INDArray infer(INDArray x) {
        return net.output(x, false);
    }

    @Override
    public INDArray embed(INDArray x) {
        int layer = Encoders.embeddingLayer(net);
        return net.feedForwardToLayer(layer, x, false).get(layer + 1);
    }

    @Override
    public void backward(INDArray gradOut) {
        Gradient g = net.backpropGradient(gradOut, LayerWorkspaceMgr.noWorkspaces()).getFirst();
        gradient = g.gradient();
    }

    @Override
    public INDArray params() {
        return net.params();
    }

    @Override
    public INDArray gradient() {
        return gradient;
    }
}
