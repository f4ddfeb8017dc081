package io.contrastream.model.encoder;

import io.contrastream.model.linalg.Blas;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense layers (ReLU, identity on the last) run by direct sgemm on views of DL4J's parameters: W is nIn×nOut
 * column-major, then b. Shared by the MLP encoder and the CNN encoder's fully connected tail.
 */
final class DenseStack {

    /** Inference batch sizes whose buffers are kept (see {@code FrozenEncoder.ROW_QUANTUM}). */
    static final int MAX_INFER_SIZES = 16;

    private final INDArray[] w;
    private final INDArray[] b;
    private final INDArray[] gw;
    private final INDArray[] gb;
    private final INDArray[] inputs;   // the input of each layer in the last forward pass
    private final INDArray[] trainOut; // per-layer outputs of forward, reused while the batch size stays
    /** Per-layer outputs of inference, by batch size: a stream's micro-batches come in a few sizes, each reused. */
    private final Map<Integer, INDArray[]> inferOut = new HashMap<>();
    private final INDArray[] dxBuf;    // per-layer input gradients of backward
    private INDArray output;
    private INDArray ones;
    private int normFrom = Integer.MAX_VALUE;   // hidden layers from this index are batch-normalised before ReLU
    private int normGroups = 1;
    private final double[][] xhat;     // per normalised layer: x̂ of the last kept run
    private final double[][] invStd;   // per normalised layer: 1/σ of the last kept run
    private double[] scratch = new double[0];
    private double[] scratchInv = new double[0];
    private float[] heapA = new float[0];   // heap copies of a layer's buffers for the element-wise passes
    private float[] heapB = new float[0];
    private float[] biasHeap = new float[0];

    /** Views of the layers' weights, biases and their gradients, in order; each W viewed nIn×nOut. */
    DenseStack(INDArray[] w, INDArray[] b, INDArray[] gw, INDArray[] gb) {
        this.w = w;
        this.b = b;
        this.gw = gw;
        this.gb = gb;
        int layers = w.length;
        inputs = new INDArray[layers];
        trainOut = new INDArray[layers];
        dxBuf = new INDArray[layers];
        xhat = new double[layers][];
        invStd = new double[layers][];
    }

    /**
     * Batch-normalises (no affine, batch statistics, {@code groups} row blocks apart) the hidden layers from
     * {@code fromLayer} on, between their product and ReLU; their biases then have no effect and a zero gradient.
     */
    void normalizeHidden(int fromLayer, int groups) {
        if (fromLayer < 0 || fromLayer >= w.length - 1 || groups <= 0) {
            throw new IllegalArgumentException("no hidden layer " + fromLayer + " of " + w.length + " layers, or groups " + groups);
        }
        normFrom = fromLayer;
        normGroups = groups;
    }

    /** From now on, batch-normalises the projection head's hidden layer, as {@link #normalizeHidden}. */
    void normalizeProjection(int groups) {
        normalizeHidden(head(), groups);
    }

    /** The first layer of the projection head (the last two layers, as Encoders builds them): its input is the embedding. */
    private int head() {
        return w.length - 2;
    }

    /** B×nIn rows in, B×nOut of the last layer out; {@code keep} remembers activations for {@link #backward}. */
    INDArray run(INDArray x, boolean keep) {
        return run(x, keep, w.length);
    }

    /** Inference: B×nIn rows in, their embeddings (the projection head's input) out. */
    INDArray embed(INDArray x) {
        return run(x, false, head());
    }

    /** The output of the first {@code layers} layers (ReLU applied to all but the network's last). */
    private INDArray run(INDArray x, boolean keep, int layers) {
        int n = (int) x.size(0);
        INDArray[] outs = keep ? trainOut : inferOut(n);
        INDArray a = x;
        for (int i = 0; i < layers; i++) {
            if (keep) inputs[i] = a;
            INDArray z = outs[i] = buffer(outs[i], n, w[i].size(1));                  // B×out
            Blas.gemm(a, w[i], z, 1f, 0f);                                             // B×out: a·W
            if (i >= normFrom && i < w.length - 1) normalizeAndRelu(z, i, keep);       // B×out: BN, ReLU
            else addBiasAndRelu(z, b[i], i < w.length - 1);                            // B×out: + b, ReLU
            a = z;
        }
        if (keep) output = a;
        return a;
    }

    private INDArray[] inferOut(int n) {
        INDArray[] outs = inferOut.get(n);
        if (outs == null) {
            if (inferOut.size() >= MAX_INFER_SIZES) inferOut.clear();   // bounded memory if sizes keep changing
            inferOut.put(n, outs = new INDArray[w.length]);
        }
        return outs;
    }

    /** Back-propagates ∂L/∂output of the last kept run; returns ∂L/∂input (B×nIn) when asked, else null. */
    INDArray backward(INDArray gradOut, boolean inputGradient) {
        return backward(gradOut, inputGradient, null);
    }

    /** The embeddings (the projection head's input) of the last kept run, a live view. */
    INDArray keptEmbedding() {
        return inputs[head()];
    }

    /**
     * As {@link #backward(INDArray, boolean)}, adding {@code gradEmbedding} (B×E, null: none) to ∂L/∂embedding where
     * the embedding enters the projection head: a second loss on the embeddings.
     */
    INDArray backward(INDArray gradOut, boolean inputGradient, INDArray gradEmbedding) {
        int n = (int) gradOut.size(0);
        INDArray dz = gradOut;                                                         // B×p
        for (int i = w.length - 1; i >= 0; i--) {
            INDArray out = i == w.length - 1 ? output : inputs[i + 1];
            if (i < w.length - 1) reluGrad(dz, out);                                  // ReLU′: out > 0
            if (i >= normFrom && i < w.length - 1) normalizeGrad(dz, i);              // BN′: through μ and σ
            Blas.gemm(inputs[i].transpose(), dz, gw[i], 1f, 0f);                      // in×out: xᵀ·dz
            Blas.gemm(ones(n).transpose(), dz, gb[i], 1f, 0f);                        // 1×out: Σ rows of dz
            if (i > 0 || inputGradient) {
                INDArray dx = dxBuf[i] = buffer(dxBuf[i], n, w[i].size(0));            // B×in
                Blas.gemm(dz, w[i].transpose(), dx, 1f, 0f);                          // B×in: dz·Wᵀ
                if (i == head() && gradEmbedding != null) dx.addi(gradEmbedding);          // B×in: + the second loss's
                dz = dx;
            }
        }
        return inputGradient ? dz : null;
    }

    /**
     * A reused n×cols buffer: fresh off-heap arrays every step cost more than the work (first-touch page faults
     * measured ~1 GB/s here), and reuse keeps memory flat.
     */
    static INDArray buffer(INDArray current, int n, long cols) {
        return current != null && current.size(0) == n && current.size(1) == cols
                ? current : Nd4j.createUninitialized(DataType.FLOAT, n, cols);
    }

    /** z ← relu(x̂(z)), keeping x̂ and 1/σ for backward when {@code keep}; doubles, as the work is small. */
    private void normalizeAndRelu(INDArray z, int layer, boolean keep) {
        int n = (int) z.size(0);
        int cols = (int) z.size(1);
        double[] xh = keep ? (xhat[layer] = grow(xhat[layer], n * cols)) : (scratch = grow(scratch, n * cols));
        double[] inv = keep ? (invStd[layer] = grow(invStd[layer], normGroups * cols)) : (scratchInv = grow(scratchInv, normGroups * cols));
        FloatBuffer v = z.data().asNioFloat();
        for (int i = 0; i < n * cols; i++) xh[i] = v.get(i);
        BatchNorm.forward(xh, n, cols, normGroups, inv);
        for (int i = 0; i < n * cols; i++) v.put(i, xh[i] > 0 ? (float) xh[i] : 0f);
        java.lang.ref.Reference.reachabilityFence(z);
    }

    /** ∂L/∂x̂ in dz becomes ∂L/∂z of the normalised layer's last kept run. */
    private void normalizeGrad(INDArray dz, int layer) {
        int n = (int) dz.size(0);
        int cols = (int) dz.size(1);
        double[] g = scratch = grow(scratch, n * cols);
        FloatBuffer v = dz.data().asNioFloat();
        for (int i = 0; i < n * cols; i++) g[i] = v.get(i);
        BatchNorm.backward(g, xhat[layer], n, cols, normGroups, invStd[layer]);
        for (int i = 0; i < n * cols; i++) v.put(i, (float) g[i]);
        java.lang.ref.Reference.reachabilityFence(dz);
    }

    private static double[] grow(double[] a, int n) {
        return a != null && a.length >= n ? a : new double[n];
    }

    /**
     * z ← relu(z + b) row by row (or just z + b), in one pass: the buffer is copied to a heap array and back in bulk,
     * as element-wise NIO access to native memory was most of the step's Java time (JFR) and does not vectorise.
     */
    private void addBiasAndRelu(INDArray z, INDArray bias, boolean relu) {
        int n = (int) z.length();
        float[] v = heapA = grow(heapA, n);
        FloatBuffer buffer = z.data().asNioFloat();
        buffer.get(0, v, 0, n);
        int cols = (int) bias.length();
        float[] bv = biasHeap = Blas.read(bias, grow(biasHeap, cols));
        // Math.max, not a comparison: half the signs are negative, so a branch mispredicts every other element
        // (C2 compiles a float select to a jump); the branch-free loop vectorises and was 5× faster here.
        if (relu) {
            for (int r = 0; r < n; r += cols) for (int c = 0; c < cols; c++) v[r + c] = Math.max(v[r + c] + bv[c], 0f);
        } else {
            for (int r = 0; r < n; r += cols) for (int c = 0; c < cols; c++) v[r + c] += bv[c];
        }
        buffer.put(0, v, 0, n);
        java.lang.ref.Reference.reachabilityFence(z);   // the NIO view does not keep the native buffer alive
    }

    /** dz ← dz where out > 0, else 0 (ReLU′), through heap copies as {@link #addBiasAndRelu}. */
    private void reluGrad(INDArray dz, INDArray out) {
        int n = (int) dz.length();
        float[] g = heapA = grow(heapA, n);
        float[] o = heapB = grow(heapB, n);
        FloatBuffer gb = dz.data().asNioFloat();
        gb.get(0, g, 0, n);
        out.data().asNioFloat().get(0, o, 0, n);
        for (int i = 0; i < n; i++) {
            // Branch-free as in addBiasAndRelu: keep g where out > 0, i.e. where out's bits are a positive int
            // ((-b & ~b) < 0 exactly then; -0.0's bits are Integer.MIN_VALUE, for which it is 0).
            int b = Float.floatToRawIntBits(o[i]);
            g[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & ((-b & ~b) >> 31));
        }
        gb.put(0, g, 0, n);
        java.lang.ref.Reference.reachabilityFence(dz);
        java.lang.ref.Reference.reachabilityFence(out);
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private INDArray ones(int n) {
        if (ones == null || ones.size(0) != n) ones = Nd4j.ones(DataType.FLOAT, n, 1);
        return ones;
    }
}
