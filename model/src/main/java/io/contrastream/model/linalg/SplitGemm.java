package io.contrastream.model.linalg;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Row-major sgemm split in two halves, one on the calling thread and one on the {@link HelperThread}, each through
 * single-threaded OpenBLAS (see {@link HelperThread} for why not OpenBLAS's own threads).
 */
final class SplitGemm {

    /** Below this many multiply-adds a call stays on the caller: a hand-off costs a few microseconds. */
    static final long MIN_SPLIT_MACS = 1L << 20;

    private SplitGemm() {}

    /**
     * c ← alpha·op(a)·op(b) + beta·c, row-major, pointers at the matrices' first elements; split over the larger of
     * m and n when the product is large and the helper is free, otherwise one single-threaded call.
     */
    static void sgemm(int transA, int transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
                      FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        if ((long) m * n * k >= MIN_SPLIT_MACS && Math.max(m, n) >= 2) {
            boolean rows = m >= n;
            int first = (rows ? m : n) / 2;
            int rest = (rows ? m : n) - first;
            // The second half's origins: rows of op(a) and c, or columns of op(b) and c.
            long aOff = rows ? (transA == openblas.CblasNoTrans ? (long) first * lda : first) : 0;
            long bOff = rows ? 0 : (transB == openblas.CblasNoTrans ? first : (long) first * ldb);
            long cOff = rows ? (long) first * ldc : first;
            FloatPointer a2 = offset(a, aOff);
            FloatPointer b2 = offset(b, bOff);
            FloatPointer c2 = offset(c, cOff);
            int m2 = rows ? rest : m;
            int n2 = rows ? n : rest;
            if (HelperThread.tryRun(
                    () -> openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, rows ? first : m, rows ? n : first, k,
                            alpha, a, lda, b, ldb, beta, c, ldc),
                    () -> openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, m2, n2, k, alpha, a2, lda, b2, ldb,
                            beta, c2, ldc))) {
                return;
            }
        }
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private static FloatPointer offset(FloatPointer p, long elements) {
        return new FloatPointer(p).position(p.position() + elements);
    }
}
