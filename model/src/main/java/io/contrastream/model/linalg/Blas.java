package io.contrastream.model.linalg;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix multiply for the learner's hot path. On the CPU backend it calls OpenBLAS's {@code cblas_sgemm} directly on
 * the arrays' memory: ND4J's own {@code mmul} measured 3 to 6 times slower here on the step's shapes (e.g. 256×128·128×4096:
 * 22 vs 73 GFLOP/s, see BENCHMARKS.md). On any other backend, or for layouts BLAS cannot take, it falls back to ND4J.
 */
public final class Blas {

    private static final boolean CPU = Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu");
    private static final int OPENBLAS_THREADS = CPU ? openblas.blas_get_num_threads() : 1;   // as ND4J set it
    private static volatile boolean split;

    static {
        threading(Threading.valueOf(System.getProperty("contrastream.blas", "split").toUpperCase(java.util.Locale.ROOT)));
    }

    /**
     * Who runs a large gemm on two cores: OpenBLAS's own threads, or {@link SplitGemm} over single-threaded OpenBLAS
     * (the default, {@code -Dcontrastream.blas=openblas} for the former): OpenBLAS's idle workers spin in
     * {@code sched_yield}, which cost the pipeline's other threads 15-26 % of a core per learner step (BENCHMARKS.md).
     */
    public enum Threading { OPENBLAS, SPLIT }

    private Blas() {}

    /** Chooses the threading of every later gemm in this process (OpenBLAS's thread count is process-wide). */
    public static synchronized void threading(Threading t) {
        if (!CPU) return;
        split = t == Threading.SPLIT;
        openblas.blas_set_num_threads(split ? 1 : OPENBLAS_THREADS);
    }

    /** The threading in use. */
    public static Threading threading() {
        return split ? Threading.SPLIT : Threading.OPENBLAS;
    }

    /**
     * Runs {@code work} with its gemms and {@link Halves} loops on this thread alone. For threads that already run in
     * parallel with the learner, as the embed subtasks do: their splits would take the helper the learner's step
     * counts on, and its time would be booked to the learner.
     */
    public static <T> T alone(java.util.function.Supplier<T> work) {
        boolean before = HelperThread.ALONE.get();
        HelperThread.ALONE.set(true);
        try {
            return work.get();
        } finally {
            HelperThread.ALONE.set(before);
        }
    }

    /** Whether the direct OpenBLAS path is in use. */
    public static boolean direct() {
        return CPU;
    }

    /** c ← alpha·a·b + beta·c for 2-D float arrays; any of them may be a transposed or row-sliced view. */
    public static void gemm(INDArray a, INDArray b, INDArray c, float alpha, float beta) {
        long m = a.size(0);
        long k = a.size(1);
        long n = b.size(1);
        if (b.size(0) != k || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("gemm shapes " + a.shapeInfoToString() + " · " + b.shapeInfoToString()
                    + " → " + c.shapeInfoToString());
        }
        if (!CPU || !blasLayout(a) || !blasLayout(b) || !blasLayout(c) || a.dataType() != DataType.FLOAT
                || b.dataType() != DataType.FLOAT || c.dataType() != DataType.FLOAT) {
            INDArray product = a.mmul(b).muli(alpha);
            if (beta == 0f) c.assign(product);
            else c.muli(beta).addi(product);
            return;
        }
        if (c.stride(1) != 1 || c.size(1) == 1 && c.stride(0) == 1 && c.size(0) > 1) {
            gemm(b.transpose(), a.transpose(), c.transpose(), alpha, beta);   // (ab)ᵀ = bᵀaᵀ: write a column-major c row-major
            return;
        }
        int ldc = (int) Math.max(c.stride(0), n);
        if (split) {
            SplitGemm.sgemm(op(a), op(b), (int) m, (int) n, (int) k, alpha, pointer(a), ld(a), pointer(b), ld(b), beta, pointer(c), ldc);
            return;
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, op(a), op(b), (int) m, (int) n, (int) k, alpha,
                pointer(a), ld(a), pointer(b), ld(b), beta, pointer(c), ldc);
    }

    /**
     * Copies a contiguous float vector, a view into flat parameters too, into the front of {@code into}; returns it.
     * ND4J's {@code toFloatVector} first copies a view to a new off-heap array, which cost more than the copy.
     */
    public static float[] read(INDArray v, float[] into) {
        int n = (int) v.length();
        if (CPU && v.dataType() == DataType.FLOAT && (n == 1 || v.elementWiseStride() == 1)) {
            v.data().asNioFloat().get((int) v.offset(), into, 0, n);   // a view's buffer is its base's, from the start
            java.lang.ref.Reference.reachabilityFence(v);
        } else {
            System.arraycopy(v.toFloatVector(), 0, into, 0, n);
        }
        return into;
    }

    /**
     * Writes {@code from} over a contiguous float array of the same length (a view into flat parameters too); the
     * counterpart of {@link #read}. {@code Nd4j.create(float[])} put a snapshot's half a million weights one by one.
     */
    public static void write(float[] from, INDArray into) {
        if (into.length() != from.length) throw new IllegalArgumentException(from.length + " values for " + into.shapeInfoToString());
        if (CPU && into.dataType() == DataType.FLOAT && (from.length == 1 || into.elementWiseStride() == 1)) {
            into.data().asNioFloat().put((int) into.offset(), from);
            java.lang.ref.Reference.reachabilityFence(into);
        } else {
            into.assign(Nd4j.create(from, into.shape(), DataType.FLOAT));
        }
    }

    /**
     * The first {@code n} rows of a c-ordered float matrix of its own memory (a buffer that may hold more rows), as
     * heap arrays; other matrices through ND4J. ND4J's {@code toFloatMatrix} made a view object per row.
     */
    public static float[][] rows(INDArray m, int n) {
        int cols = (int) m.size(1);
        float[][] out = new float[n][cols];
        if (CPU && m.dataType() == DataType.FLOAT && m.ordering() == 'c' && !m.isView()) {
            java.nio.FloatBuffer buffer = m.data().asNioFloat();
            for (int i = 0; i < n; i++) buffer.get(i * cols, out[i], 0, cols);
            java.lang.ref.Reference.reachabilityFence(m);
        } else {
            float[][] all = m.toFloatMatrix();
            for (int i = 0; i < n; i++) out[i] = all[i];
        }
        return out;
    }

    /** y ← alpha·x + y over whole contiguous float arrays of equal length. */
    public static void axpy(float alpha, INDArray x, INDArray y) {
        if (!CPU || !contiguous(x) || !contiguous(y) || x.length() != y.length()) {
            y.addi(x.mul(alpha));
            return;
        }
        openblas.cblas_saxpy((int) x.length(), alpha, pointer(x), 1, pointer(y), 1);
    }

    /**
     * ‖x‖₂ of a whole float array, accumulated in double ({@code cblas_dsdot}): ND4J's norm2 took 6 % of a batch-64
     * step for the 453,376-value gradient.
     */
    public static double norm2(INDArray x) {
        if (!CPU || !contiguous(x) || x.dataType() != DataType.FLOAT) return x.norm2Number().doubleValue();
        FloatPointer p = pointer(x);
        return Math.sqrt(openblas.cblas_dsdot((int) x.length(), p, 1, p, 1));
    }

    /** x ← alpha·x over a whole contiguous float array. */
    public static void scal(float alpha, INDArray x) {
        if (!CPU || !contiguous(x)) {
            x.muli(alpha);
            return;
        }
        openblas.cblas_sscal((int) x.length(), alpha, pointer(x), 1);
    }

    private static boolean contiguous(INDArray x) {
        return x.dataType() == DataType.FLOAT && (x.rank() == 1 || x.isVector() || !x.isView()) && x.elementWiseStride() == 1;
    }

    /** Row-major (unit column stride) or column-major (unit row stride) 2-D storage. */
    private static boolean blasLayout(INDArray x) {
        return x.rank() == 2 && (x.stride(1) == 1 || x.stride(0) == 1);
    }

    private static int op(INDArray x) {
        return x.stride(1) == 1 && !(x.size(1) == 1 && x.stride(0) == 1 && x.size(0) > 1)
                ? openblas.CblasNoTrans : openblas.CblasTrans;
    }

    private static int ld(INDArray x) {
        boolean rowMajor = op(x) == openblas.CblasNoTrans;
        long ld = rowMajor ? x.stride(0) : x.stride(1);
        long min = rowMajor ? x.size(1) : x.size(0);
        return (int) Math.max(ld, Math.max(1, min));
    }

    private static FloatPointer pointer(INDArray x) {
        return new FloatPointer(x.data().addressPointer());   // a view's buffer already starts at its offset
    }
}
