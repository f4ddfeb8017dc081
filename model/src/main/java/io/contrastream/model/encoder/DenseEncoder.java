package io.contrastream.model.encoder;

import io.contrastream.model.linalg.Blas;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An MLP encoder + projection head (ReLU dense layers, identity output) trained with direct sgemm calls on DL4J's
 * parameter layout: per layer W (nIn×nOut, column-major) then b. DL4J initialises the weights and owns the memory;
 * the forward and backward passes here skip its per-layer machinery, which dominated the step (BENCHMARKS.md).
 */
public final class DenseEncoder implements TrainableEncoder {

    private final INDArray params;
    private final INDArray gradient;
    private final INDArray[] w;
    private final INDArray[] b;
    private final INDArray[] gw;
    private final INDArray[] gb;
    private final INDArray[] inputs;   // the input of each layer in the last forward pass
    private final INDArray[] trainOut; // per-layer outputs of forward, reused while the batch size stays
    private final INDArray[] inferOut; // per-layer outputs of infer
    private final INDArray[] dxBuf;    // per-layer input gradients of backward
    private INDArray output;
    private INDArray ones;

    public DenseEncoder(EncoderConfig config) {
        if (config.architecture() != EncoderConfig.Architecture.MLP) {
            throw new IllegalArgumentException("DenseEncoder needs an MLP configuration, got " + config.architecture());
        }
        MultiLayerNetwork net = Encoders.build(config, DataType.FLOAT);
        this.params = net.params();
        this.gradient = Nd4j.zeros(DataType.FLOAT, params.shape());
        int layers = net.getnLayers();
        w = new INDArray[layers];
        b = new INDArray[layers];
        gw = new INDArray[layers];
        gb = new INDArray[layers];
        inputs = new INDArray[layers];
        trainOut = new INDArray[layers];
        inferOut = new INDArray[layers];
        dxBuf = new INDArray[layers];
        long offset = 0;
        for (int i = 0; i < layers; i++) {
            long nIn = net.getLayer(i).getParam("W").size(0);
            long nOut = net.getLayer(i).getParam("W").size(1);
            w[i] = view(params, offset, nIn, nOut);
            gw[i] = view(gradient, offset, nIn, nOut);
            offset += nIn * nOut;
            b[i] = slice(params, offset, nOut).reshape(1, nOut);
            gb[i] = slice(gradient, offset, nOut).reshape(1, nOut);
            offset += nOut;
        }
        if (offset != params.length()) throw new IllegalStateException("unexpected DL4J parameter layout");
    }

    /** A contiguous slice of a flat parameter array, whether DL4J made it [P] or [1,P]. */
    private static INDArray slice(INDArray flat, long from, long n) {
        return flat.rank() == 1 ? flat.get(NDArrayIndex.interval(from, from + n))
                : flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + n));
    }

    /** DL4J stores W column-major: the flat slice read as (nOut×nIn) row-major is Wᵀ. */
    private static INDArray view(INDArray flat, long offset, long nIn, long nOut) {
        return slice(flat, offset, nIn * nOut).reshape('f', nIn, nOut);
    }

    @Override
    public INDArray forward(INDArray x) {
        return run(x, true);
    }

    @Override
    public INDArray infer(INDArray x) {
        return run(x, false);
    }

    private INDArray run(INDArray x, boolean keep) {
        int n = (int) x.size(0);
        INDArray[] outs = keep ? trainOut : inferOut;
        INDArray a = x;
        for (int i = 0; i < w.length; i++) {
            if (keep) inputs[i] = a;
            INDArray z = outs[i] = buffer(outs[i], n, w[i].size(1));                  // B×out
            Blas.gemm(a, w[i], z, 1f, 0f);                                             // B×out: a·W
            addBiasAndRelu(z, b[i], i < w.length - 1);                                 // B×out: + b, ReLU
            a = z;
        }
        if (keep) output = a;
        return a;
    }

    @Override
    public void backward(INDArray gradOut) {
        int n = (int) gradOut.size(0);
        INDArray dz = gradOut;                                                         // B×p
        for (int i = w.length - 1; i >= 0; i--) {
            INDArray out = i == w.length - 1 ? output : inputs[i + 1];
            if (i < w.length - 1) reluGrad(dz, out);                                  // ReLU′: out > 0
            Blas.gemm(inputs[i].transpose(), dz, gw[i], 1f, 0f);                      // in×out: xᵀ·dz
            Blas.gemm(ones(n).transpose(), dz, gb[i], 1f, 0f);                        // 1×out: Σ rows of dz
            if (i > 0) {
                INDArray dx = dxBuf[i] = buffer(dxBuf[i], n, w[i].size(0));                // B×in
                Blas.gemm(dz, w[i].transpose(), dx, 1f, 0f);                              // B×in: dz·Wᵀ
                dz = dx;
            }
        }
    }

    /**
     * A reused n×cols buffer: fresh off-heap arrays every step cost more than the work (first-touch page faults
     * measured ~1 GB/s here), and reuse keeps memory flat.
     */
    private static INDArray buffer(INDArray current, int n, long cols) {
        return current != null && current.size(0) == n ? current : Nd4j.createUninitialized(DataType.FLOAT, n, cols);
    }

    /** z ← relu(z + b) row by row (or just z + b), in one pass over the buffer: cheaper than two ND4J op launches. */
    private static void addBiasAndRelu(INDArray z, INDArray bias, boolean relu) {
        java.nio.FloatBuffer v = z.data().asNioFloat();
        float[] bv = bias.toFloatVector();
        int cols = bv.length;
        for (int i = 0, n = (int) z.length(); i < n; i++) {
            float x = v.get(i) + bv[i % cols];
            v.put(i, relu && x < 0 ? 0f : x);
        }
        java.lang.ref.Reference.reachabilityFence(z);   // the NIO view does not keep the native buffer alive
    }

    private static void reluGrad(INDArray dz, INDArray out) {
        java.nio.FloatBuffer g = dz.data().asNioFloat();
        java.nio.FloatBuffer o = out.data().asNioFloat();
        for (int i = 0, n = (int) dz.length(); i < n; i++) if (o.get(i) <= 0) g.put(i, 0f);
        java.lang.ref.Reference.reachabilityFence(dz);
        java.lang.ref.Reference.reachabilityFence(out);
    }

    private INDArray ones(int n) {
        if (ones == null || ones.size(0) != n) ones = Nd4j.ones(DataType.FLOAT, n, 1);
        return ones;
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
