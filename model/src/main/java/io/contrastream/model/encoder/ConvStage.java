package io.contrastream.model.encoder;

import io.contrastream.model.linalg.Blas;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One CNN stage: a kh×kw convolution (odd sizes, stride 1, zero "same" padding, as DL4J's
 * {@code ConvolutionMode.Same}), bias, ReLU, then ph×pw max pooling with the same stride (truncating odd sizes, as
 * DL4J's default): 3×3 and 2×2 for images, 1×5 and 1×2 for time series. The convolution is im2col + one sgemm over the
 * whole batch (Chellapilla et al. 2006): W [F, C·K] · col [C·K, B·H·W], K = kh·kw.
 *
 * <p>Activations between stages live on the heap in channel-major layout [C][B][H][W], so each channel is one
 * contiguous row of the im2col and gemm matrices; only the gemm operands are off-heap.
 *
 * <p>With a {@link ConvNorm}, the convolution has no bias and its output is batch-normalised before the ReLU.
 */
final class ConvStage {

    private final INDArray w;     // F×C·K, row-major
    private final INDArray b;     // 1×F, null under batch normalisation
    private final ConvNorm norm;  // null: bias, no batch normalisation
    private final INDArray gw;
    private final INDArray gb;
    final int channels;
    final int height;
    final int width;
    final int filters;
    final int pooledHeight;
    final int pooledWidth;
    private final int kh;
    private final int kw;
    private final int ph;
    private final int pw;
    private final int k;          // kh·kw
    private final Buffers train = new Buffers();
    private final Buffers infer = new Buffers();
    private int batch;            // batch size of the last kept forward

    /** Per-batch-size work arrays; one set for training (kept for backward) and one for inference. */
    private static final class Buffers {
        INDArray col;             // C·K × B·H·W
        INDArray z;               // F × B·H·W, the gemm output
        float[] colHeap;
        float[] act;              // F × B·H·W after bias (or batch norm) and ReLU
        float[] pre;              // F × B·H·W before batch norm, training only
        float[] pooled;           // F × B·Hp·Wp
        INDArray dz;              // backward only
        INDArray dcol;
        float[] scratch;          // ∂L/∂act, then ∂L/∂col
        float[] dIn;
    }

    ConvStage(INDArray w, INDArray b, INDArray gw, INDArray gb, ConvNorm norm, int channels, int height, int width,
              int[] kernel, int[] pool) {
        if ((b == null) == (norm == null)) throw new IllegalArgumentException("a conv stage has either a bias or batch normalisation");
        if (kernel[0] % 2 == 0 || kernel[1] % 2 == 0) throw new IllegalArgumentException("kernel sizes must be odd, got " + Arrays.toString(kernel));
        this.kh = kernel[0];
        this.kw = kernel[1];
        this.ph = pool[0];
        this.pw = pool[1];
        this.k = kh * kw;
        this.w = w;
        this.b = b;
        this.gw = gw;
        this.gb = gb;
        this.norm = norm;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.filters = (int) w.size(0);
        this.pooledHeight = height / ph;
        this.pooledWidth = width / pw;
        if (pooledHeight == 0 || pooledWidth == 0) {
            throw new IllegalArgumentException("a " + height + "×" + width + " map is too small for " + ph + "×" + pw + " pooling");
        }
    }

    /** Output values per sample: F·Hp·Wp. */
    int outputSize() {
        return filters * pooledHeight * pooledWidth;
    }

    /**
     * n samples in, laid out [B][C][H][W] ({@code sampleMajor}, the network input) or [C][B][H][W]; returns the pooled
     * maps [F][B][Hp][Wp]. With {@code keep}, remembers what {@link #backward} needs.
     */
    float[] forward(float[] in, boolean sampleMajor, int n, boolean keep) {
        Buffers s = keep ? train : infer;
        int hw = height * width;
        int cols = n * hw;
        s.col = DenseStack.buffer(s.col, channels * k, cols);
        s.z = DenseStack.buffer(s.z, filters, cols);
        s.colHeap = grow(s.colHeap, channels * k * cols);
        s.act = grow(s.act, filters * cols);
        s.pooled = grow(s.pooled, filters * n * pooledHeight * pooledWidth);
        if (keep) batch = n;

        long cStride = sampleMajor ? hw : (long) n * hw;
        long bStride = sampleMajor ? (long) channels * hw : hw;
        float[] colHeap = s.colHeap;
        IntStream.range(0, channels * k).parallel().forEach(r -> im2colRow(in, r, n, cStride, bStride, colHeap));
        put(s.col, colHeap);                                                           // C·K × B·H·W
        Blas.gemm(w, s.col, s.z, 1f, 0f);                                               // F × B·H·W: W·col
        get(s.z, s.act);
        float[][] affine;                                                                // per filter: {scale, shift}
        if (norm == null) {
            affine = new float[][] {new float[filters], b.toFloatVector()};
            Arrays.fill(affine[0], 1f);
        } else if (keep) {
            s.pre = grow(s.pre, filters * cols);
            System.arraycopy(s.act, 0, s.pre, 0, filters * cols);                       // z, for backward
            affine = norm.train(s.pre, cols);
        } else {
            affine = norm.infer();
        }
        float[] act = s.act;
        float[] pooled = s.pooled;
        IntStream.range(0, filters).parallel().forEach(f -> {
            affineRelu(act, f * cols, cols, affine[0][f], affine[1][f]);                 // B·H·W: relu(γ·x̂ + β) or relu(z + b)
            maxPool(act, f, n, pooled);                                          // B·Hp·Wp
        });
        return pooled;
    }

    /** Row r = (c, ky, kx) of the im2col matrix: the input channel c shifted by (ky − kh/2, kx − kw/2), zero outside. */
    private void im2colRow(float[] in, int r, int n, long cStride, long bStride, float[] col) {
        int c = r / k;
        int dy = (r % k) / kw - kh / 2;
        int dx = r % kw - kw / 2;
        int hw = height * width;
        int base = r * n * hw;
        for (int bi = 0; bi < n; bi++) {
            int src = (int) (c * cStride + bi * bStride);
            int dst = base + bi * hw;
            for (int y = 0; y < height; y++, dst += width) {
                int sy = y + dy;
                if (sy < 0 || sy >= height) {
                    Arrays.fill(col, dst, dst + width, 0f);
                    continue;
                }
                int x0 = Math.min(width, Math.max(0, -dx));
                int x1 = Math.max(x0, Math.min(width, width - dx));
                if (x0 > 0) Arrays.fill(col, dst, dst + x0, 0f);
                if (x1 < width) Arrays.fill(col, dst + x1, dst + width, 0f);
                System.arraycopy(in, src + sy * width + x0 + dx, col, dst + x0, x1 - x0);
            }
        }
    }

    private static void affineRelu(float[] a, int from, int len, float scale, float shift) {
        for (int i = from, end = from + len; i < end; i++) {
            a[i] = Math.max(a[i] * scale + shift, 0f);   // branch-free: a ReLU branch mispredicts on half the values
        }
    }

    private void maxPool(float[] act, int f, int n, float[] pooled) {
        int hw = height * width;
        int phw = pooledHeight * pooledWidth;
        if (ph != 2 || pw != 2) {
            for (int bi = 0; bi < n; bi++) {
                int plane = (f * n + bi) * hw;
                int out = (f * n + bi) * phw;
                for (int py = 0; py < pooledHeight; py++) {
                    for (int px = 0; px < pooledWidth; px++, out++) pooled[out] = act[argmax(act, plane, py, px)];
                }
            }
            return;
        }
        for (int bi = 0; bi < n; bi++) {
            int plane = (f * n + bi) * hw;
            int out = (f * n + bi) * phw;
            for (int py = 0; py < pooledHeight; py++) {
                for (int px = 0; px < pooledWidth; px++, out++) {
                    int i = plane + 2 * py * width + 2 * px;
                    pooled[out] = Math.max(Math.max(act[i], act[i + 1]), Math.max(act[i + width], act[i + width + 1]));
                }
            }
        }
    }

    /** Index of the first maximum of pooling window (py, px) in the plane at {@code plane}. */
    private int argmax(float[] act, int plane, int py, int px) {
        int best = plane + ph * py * width + pw * px;
        for (int y = 0; y < ph; y++) {
            for (int x = 0, i = plane + (ph * py + y) * width + pw * px; x < pw; x++, i++) if (act[i] > act[best]) best = i;
        }
        return best;
    }

    /**
     * Routes each pooled gradient to the first position of its window that holds the maximum, as DL4J does on ties
     * (flat image regions tie often), and only where the ReLU was active. Found here rather than stored in forward,
     * so that the forward pass, run twice per step, stays free of data-dependent branches.
     */
    private void unpool(float[] act, float[] pooled, float[] dPooled, int n, float[] dAct) {
        int hw = height * width;
        int phw = pooledHeight * pooledWidth;
        for (int plane = 0, out = 0; plane < filters * n; plane++) {
            int base = plane * hw;
            for (int py = 0; py < pooledHeight; py++) {
                for (int px = 0; px < pooledWidth; px++, out++) {
                    float m = pooled[out];
                    if (m <= 0) continue;
                    int at;
                    if (ph == 2 && pw == 2) {
                        int i = base + 2 * py * width + 2 * px;
                        at = act[i] == m ? i : act[i + 1] == m ? i + 1 : act[i + width] == m ? i + width : i + width + 1;
                    } else {
                        at = argmax(act, base, py, px);
                    }
                    dAct[at] = dPooled[out];
                }
            }
        }
    }

    /**
     * Back-propagates ∂L/∂pooled ([F][B][Hp][Wp]) of the last kept forward: fills this stage's weight and bias
     * gradients and returns ∂L/∂input in [C][B][H][W] layout when asked, else null.
     */
    float[] backward(float[] dPooled, boolean inputGradient) {
        Buffers s = train;
        int n = batch;
        int cols = n * height * width;
        s.scratch = grow(s.scratch, Math.max(filters, channels * k) * cols);
        float[] dAct = s.scratch;
        Arrays.fill(dAct, 0, filters * cols, 0f);
        unpool(s.act, s.pooled, dPooled, n, dAct);                                      // max routes, ReLU′ masks
        if (norm != null) norm.backward(s.pre, dAct, cols);                              // ∂L/∂y → ∂L/∂z, fills ∂γ, ∂β
        s.dz = DenseStack.buffer(s.dz, filters, cols);
        put(s.dz, dAct, filters * cols);                                                 // F × B·H·W
        Blas.gemm(s.dz, s.col.transpose(), gw, 1f, 0f);                                  // F × C·K: dz·colᵀ
        if (gb != null) {
            float[] db = new float[filters];
            for (int f = 0; f < filters; f++) {
                double sum = 0;
                for (int i = f * cols, end = i + cols; i < end; i++) sum += dAct[i];
                db[f] = (float) sum;
            }
            gb.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(db).reshape(1, filters));  // 1×F: Σ of dz rows
        }
        if (!inputGradient) return null;
        s.dcol = DenseStack.buffer(s.dcol, channels * k, cols);
        Blas.gemm(w.transpose(), s.dz, s.dcol, 1f, 0f);                                 // C·K × B·H·W: Wᵀ·dz
        float[] dcol = s.scratch;
        get(s.dcol, dcol);
        s.dIn = grow(s.dIn, channels * cols);
        float[] dIn = s.dIn;
        Arrays.fill(dIn, 0, channels * cols, 0f);
        IntStream.range(0, channels).parallel().forEach(c -> {
            for (int r = c * k; r < c * k + k; r++) col2imRow(dcol, r, n, dIn);
        });
        return dIn;
    }

    /** Adds row r = (c, ky, kx) of ∂L/∂col back onto channel c of ∂L/∂input, shifted the way im2col read it. */
    private void col2imRow(float[] dcol, int r, int n, float[] dIn) {
        int c = r / k;
        int dy = (r % k) / kw - kh / 2;
        int dx = r % kw - kw / 2;
        int hw = height * width;
        int x0 = Math.max(0, -dx);
        int x1 = Math.min(width, width - dx);
        for (int bi = 0; bi < n; bi++) {
            int src = r * n * hw + bi * hw;
            int dst = (c * n + bi) * hw;
            for (int y = 0; y < height; y++, src += width) {
                int sy = y + dy;
                if (sy < 0 || sy >= height) continue;
                int to = dst + sy * width + dx;
                for (int x = x0; x < x1; x++) dIn[to + x] += dcol[src + x];
            }
        }
    }

    private static float[] grow(float[] a, int size) {
        return a != null && a.length >= size ? a : new float[size];
    }

    private static void put(INDArray dst, float[] src) {
        put(dst, src, (int) dst.length());
    }

    private static void put(INDArray dst, float[] src, int len) {
        FloatBuffer buf = dst.data().asNioFloat();
        buf.put(0, src, 0, len);
        java.lang.ref.Reference.reachabilityFence(dst);
    }

    private static void get(INDArray src, float[] dst) {
        FloatBuffer buf = src.data().asNioFloat();
        buf.get(0, dst, 0, (int) src.length());
        java.lang.ref.Reference.reachabilityFence(src);
    }
}
