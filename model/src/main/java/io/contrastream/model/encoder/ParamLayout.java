package io.contrastream.model.encoder;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Walks DL4J's flat parameter vector layer by layer and hands out matching views of the parameters and of a
 * gradient array with the same layout, so that the BLAS-direct encoders train DL4J networks in place (and their
 * snapshots load into {@link FrozenEncoder}). Each view is checked against DL4J's own parameter table.
 */
final class ParamLayout {

    private final INDArray params;
    private final INDArray gradient;
    private long offset;
    private final java.util.List<INDArray> statistics = new java.util.ArrayList<>();   // gradient views of running stats

    ParamLayout(INDArray params, INDArray gradient) {
        this.params = params;
        this.gradient = gradient;
    }

    /** Dense layers [from, to): W (nIn×nOut, column-major) then b. */
    DenseStack dense(MultiLayerNetwork net, int from, int to) {
        int n = to - from;
        INDArray[] w = new INDArray[n];
        INDArray[] b = new INDArray[n];
        INDArray[] gw = new INDArray[n];
        INDArray[] gb = new INDArray[n];
        for (int i = 0; i < n; i++) {
            Layer layer = net.getLayer(from + i);
            long nIn = layer.getParam("W").size(0);
            long nOut = layer.getParam("W").size(1);
            w[i] = slice(params, offset, nIn * nOut).reshape('f', nIn, nOut);
            gw[i] = slice(gradient, offset, nIn * nOut).reshape('f', nIn, nOut);
            offset += nIn * nOut;
            b[i] = slice(params, offset, nOut).reshape(1, nOut);
            gb[i] = slice(gradient, offset, nOut).reshape(1, nOut);
            offset += nOut;
            check(layer, w[i], b[i]);
        }
        return new DenseStack(w, b, gw, gb);
    }

    /**
     * A same-padded kh×kw convolution + ph×pw max pooling: b (nOut) then W [nOut, nIn, kh, kw] row-major; with
     * {@code batchNorm}, W alone, then the next layer's γ, β, running mean and running variance (nOut each).
     */
    ConvStage conv(MultiLayerNetwork net, int layerIndex, int channels, int height, int width, int[] kernel, int[] pool,
                   boolean batchNorm) {
        Layer layer = net.getLayer(layerIndex);
        long[] shape = layer.getParam("W").shape();
        int filters = (int) shape[0];
        if (shape[1] != channels || shape[2] != kernel[0] || shape[3] != kernel[1]) {
            throw new IllegalStateException("expected a " + kernel[0] + "×" + kernel[1] + " convolution over " + channels
                    + " channels, got W " + java.util.Arrays.toString(shape));
        }
        INDArray gb = batchNorm ? null : slice(gradient, offset, filters).reshape(1, filters);
        INDArray b = batchNorm ? null : vector(filters, params);
        long k = (long) channels * kernel[0] * kernel[1];
        INDArray w = slice(params, offset, filters * k).reshape('c', filters, k);
        INDArray gw = slice(gradient, offset, filters * k).reshape('c', filters, k);
        offset += filters * k;
        check(layer, w, b);
        ConvNorm norm = null;
        if (batchNorm) {
            Layer bn = net.getLayer(layerIndex + 1);
            String[] names = {"gamma", "beta", "mean", "var"};
            INDArray[] p = new INDArray[4];
            INDArray[] g = new INDArray[4];
            for (int i = 0; i < 4; i++) {
                g[i] = slice(gradient, offset, filters).reshape(1, filters);
                p[i] = vector(filters, params);
                if (!bn.getParam(names[i]).reshape(filters).equals(p[i].reshape(filters))) {
                    throw new IllegalStateException("DL4J's batch-norm parameter layout is not the expected one at "
                            + names[i] + " of layer " + bn.getIndex());
                }
            }
            statistics.add(g[2]);
            statistics.add(g[3]);
            norm = new ConvNorm(p[0], p[1], p[2], p[3], g[0], g[1], Encoders.BN_DECAY, Encoders.BN_EPS);
        }
        return new ConvStage(w, b, gw, gb, norm, channels, height, width, kernel, pool);
    }

    /** The next n values of {@code flat} as a 1×n view; advances the offset past them (once per parameter). */
    private INDArray vector(long n, INDArray flat) {
        INDArray v = slice(flat, offset, n).reshape(1, n);
        offset += n;
        return v;
    }

    /** The gradient views of the running statistics handed out so far, which no optimizer may move. */
    INDArray[] statisticsGradients() {
        return statistics.toArray(new INDArray[0]);
    }

    /** Every parameter was handed out exactly once. */
    void checkComplete() {
        if (offset != params.length()) {
            throw new IllegalStateException("unexpected DL4J parameter layout: " + offset + " of " + params.length());
        }
    }

    private static void check(Layer layer, INDArray w, INDArray b) {
        if (!layer.getParam("W").reshape('c', w.shape()).equals(w)
                || (b == null ? layer.paramTable().containsKey("b")
                              : !layer.getParam("b").reshape(b.length()).equals(b.reshape(b.length())))) {
            throw new IllegalStateException("DL4J's parameter layout is not the expected one for layer "
                    + layer.getIndex() + " (" + layer.conf().getLayer().getClass().getSimpleName() + ")");
        }
    }

    /** A contiguous slice of a flat parameter array, whether DL4J made it [P] or [1,P]. */
    private static INDArray slice(INDArray flat, long from, long n) {
        return flat.rank() == 1 ? flat.get(NDArrayIndex.interval(from, from + n))
                : flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + n));
    }
}
