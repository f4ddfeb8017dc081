package io.contrastream.model.encoder;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** An encoder rebuilt from a snapshot's weights, used for inference only: input rows in, embeddings out. */
public final class FrozenEncoder {

    private final EncoderConfig config;
    private final MultiLayerNetwork net;
    private final int embeddingLayer;
    private static final int CHUNK = 1024;

    public FrozenEncoder(EncoderConfig config, float[] weights) {
        this.config = config;
        this.net = Encoders.build(config, DataType.FLOAT);
        if (weights.length != net.numParams()) {
            throw new IllegalArgumentException("snapshot has " + weights.length + " weights but encoder "
                    + config + " has " + net.numParams());
        }
        net.params().assign(Nd4j.create(weights, new long[] {1, weights.length}, DataType.FLOAT));
        this.embeddingLayer = Encoders.embeddingLayer(net);
    }

    /** A randomly initialised encoder of the given architecture (the baseline any learner must beat). */
    public static FrozenEncoder random(EncoderConfig config) {
        return new FrozenEncoder(config, Encoders.build(config, DataType.FLOAT).params().toFloatVector());
    }

    /** Embeds n rows given row-major; returns n×embeddingDim. */
    public float[][] embed(float[] rows, int n) {
        INDArray x = Nd4j.create(rows, new long[] {n, config.inputSize()}, DataType.FLOAT);        // N×D
        INDArray e = net.feedForwardToLayer(embeddingLayer, x, false).get(embeddingLayer + 1);   // N×E
        return e.toFloatMatrix();
    }

    /** Embeds rows given one array each, in chunks so memory stays bounded for a whole dataset; rows.length×embeddingDim. */
    public float[][] embed(float[][] rows) {
        int d = config.inputSize();
        float[][] out = new float[rows.length][];
        for (int from = 0; from < rows.length; from += CHUNK) {
            int n = Math.min(CHUNK, rows.length - from);
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) System.arraycopy(rows[from + i], 0, flat, i * d, d);
            System.arraycopy(embed(flat, n), 0, out, from, n);
        }
        return out;
    }

    public EncoderConfig config() { return config; }
}
