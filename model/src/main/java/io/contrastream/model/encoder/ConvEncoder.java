package io.contrastream.model.encoder;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The small CNN encoder (3×3 conv + 2×2 max-pool stages, then dense layers and the projection head) trained by
 * im2col and direct sgemm on DL4J's parameter layout. DL4J's own CPU convolution ran the MoCo step at 0.18× PyTorch
 * here (BENCHMARKS.md); the same network through one batched gemm per layer does not pay its per-layer overheads.
 */
public final class ConvEncoder implements TrainableEncoder {

    private final INDArray params;
    private final INDArray gradient;
    private final ConvStage[] stages;
    private final DenseStack head;
    private final INDArray[] statisticsGradients;
    private final int inputSize;
    private INDArray trainFlat;
    private INDArray inferFlat;
    private float[] input = new float[0];
    private float[] dFlat = new float[0];
    private float[] dMaps = new float[0];
    private float[] rows = new float[0];

    public ConvEncoder(EncoderConfig config) {
        if (!config.architecture().convolutional()) {
            throw new IllegalArgumentException("ConvEncoder needs a convolutional configuration, got " + config.architecture());
        }
        MultiLayerNetwork net = Encoders.build(config, DataType.FLOAT);
        this.params = net.params();
        this.gradient = Nd4j.zeros(DataType.FLOAT, params.shape());
        this.inputSize = config.inputSize();
        ParamLayout layout = new ParamLayout(params, gradient);
        int convLayers = Encoders.convStages(config);
        stages = new ConvStage[convLayers];
        int per = Encoders.layersPerStage(config);
        int[] maps = config.mapShape();
        int c = maps[0];
        int h = maps[1];
        int w = maps[2];
        for (int i = 0; i < convLayers; i++) {
            // conv, pool, ... or conv, batch norm, ReLU, pool, ...
            stages[i] = layout.conv(net, per * i, c, h, w, Encoders.kernel(config), Encoders.pool(config), config.convBatchNorm());
            c = stages[i].filters;
            h = stages[i].pooledHeight;
            w = stages[i].pooledWidth;
        }
        this.head = layout.dense(net, per * convLayers, net.getnLayers());
        layout.checkComplete();
        this.statisticsGradients = layout.statisticsGradients();
    }

    private INDArray lastInput;

    @Override
    public INDArray forward(INDArray x) {
        lastInput = x;
        return head.run(features(x, true), true);
    }

    @Override
    public INDArray lastInput() {
        return lastInput;
    }

    @Override
    public INDArray lastEmbedding() {
        return head.keptEmbedding();
    }

    @Override
    public INDArray infer(INDArray x) {
        return head.run(features(x, false), false);
    }

    @Override
    public INDArray embed(INDArray x) {
        return head.embed(features(x, false));
    }

    /** Input rows [B][C][H][W] through the conv stages, flattened per sample as DL4J does: B × F·Hp·Wp. */
    private INDArray features(INDArray x, boolean keep) {
        int n = (int) x.size(0);
        if (input.length < n * inputSize) input = new float[n * inputSize];
        contiguous(x).data().asNioFloat().get(0, input, 0, n * inputSize);
        float[] a = input;
        for (int i = 0; i < stages.length; i++) a = stages[i].forward(a, i == 0, n, keep);   // [F][B][Hp][Wp]
        ConvStage last = stages[stages.length - 1];
        int per = last.outputSize();
        INDArray flat = DenseStack.buffer(keep ? trainFlat : inferFlat, n, per);            // B × F·Hp·Wp
        if (keep) trainFlat = flat;
        else inferFlat = flat;
        if (rows.length < n * per) rows = new float[n * per];
        transpose(a, rows, last.filters, n, last.pooledHeight * last.pooledWidth, true);
        flat.data().asNioFloat().put(0, rows, 0, n * per);
        java.lang.ref.Reference.reachabilityFence(flat);
        return flat;
    }

    @Override
    public void backward(INDArray gradOut) {
        backward(gradOut, null);
    }

    @Override
    public void backward(INDArray gradOut, INDArray gradEmbedding) {
        INDArray d = head.backward(gradOut, true, gradEmbedding);                           // B × F·Hp·Wp
        int n = (int) d.size(0);
        ConvStage last = stages[stages.length - 1];
        int per = last.outputSize();
        if (dFlat.length < n * per) {
            dFlat = new float[n * per];
            dMaps = new float[n * per];
        }
        contiguous(d).data().asNioFloat().get(0, dFlat, 0, n * per);
        transpose(dMaps, dFlat, last.filters, n, last.pooledHeight * last.pooledWidth, false);
        float[] g = dMaps;                                                                  // [F][B][Hp][Wp]
        for (int i = stages.length - 1; i >= 0; i--) g = stages[i].backward(g, i > 0);
    }

    /** The array itself when its memory is already c-ordered from offset 0, else a contiguous copy. */
    private static INDArray contiguous(INDArray x) {
        return !x.isView() && x.ordering() == 'c' ? x : x.dup('c');
    }

    /** Between [F][B][P] (maps) and [B][F][P] (rows): {@code toRows} copies maps into rows, else rows into maps. */
    private static void transpose(float[] maps, float[] rows, int f, int n, int p, boolean toRows) {
        for (int fi = 0; fi < f; fi++) {
            for (int bi = 0; bi < n; bi++) {
                int m = (fi * n + bi) * p;
                int r = (bi * f + fi) * p;
                if (toRows) System.arraycopy(maps, m, rows, r, p);
                else System.arraycopy(rows, r, maps, m, p);
            }
        }
    }

    @Override
    public void normalizeProjection(int groups) {
        head.normalizeProjection(groups);
    }

    @Override
    public void clearStatisticsGradient() {
        for (INDArray g : statisticsGradients) g.assign(0);
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
