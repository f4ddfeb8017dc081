package io.contrastream.model.linalg;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Row-major sgemm split in two halves, one on the calling thread and one on a helper thread, each through
 * single-threaded OpenBLAS. OpenBLAS's own worker threads wait for the next call by looping on {@code sched_yield}:
 * between the learner's gemms that kept a second core busy in system time (a third of the learner's CPU time, issue
 * 17), a core the pipeline's decode and embed threads needed. The helper here spins for at most {@link #SPIN_NANOS}
 * in user space, then parks, and ends after {@link #IDLE_EXIT_NANOS} without work: on a session cluster each job has
 * its own class loader, and a thread that outlived its job would keep that loader alive.
 */
final class SplitGemm {

    /** Below this many multiply-adds a call stays on the caller: a hand-off costs a few microseconds. */
    static final long MIN_SPLIT_MACS = 1L << 20;
    /** How long the helper waits for the next call before parking: the step's gemms come in quick succession. */
    static final long SPIN_NANOS = 50_000;
    /** How long the helper stays parked without work before it ends; the next split starts a new one. */
    static final long IDLE_EXIT_NANOS = 5_000_000_000L;

    private static final AtomicBoolean claimed = new AtomicBoolean();
    private static final Object lifecycle = new Object();
    private static volatile Runnable task;
    private static volatile boolean done;
    private static volatile Thread caller;
    private static Thread helper;   // guarded by lifecycle; null when none runs

    private SplitGemm() {}

    /**
     * c ← alpha·op(a)·op(b) + beta·c, row-major, pointers at the matrices' first elements; split over the larger of
     * m and n when the product is large and the helper is free, otherwise one single-threaded call.
     */
    static void sgemm(int transA, int transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
                      FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        boolean split = (long) m * n * k >= MIN_SPLIT_MACS && Math.max(m, n) >= 2 && claimed.compareAndSet(false, true);
        if (!split) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        try {
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
            done = false;
            caller = Thread.currentThread();
            Thread h;
            synchronized (lifecycle) {   // the task is set under the lock the helper checks before it ends
                task = () -> openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, m2, n2, k, alpha, a2, lda, b2, ldb, beta, c2, ldc);
                if (helper == null) helper = startHelper();
                h = helper;
            }
            LockSupport.unpark(h);
            openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, rows ? first : m, rows ? n : first, k, alpha,
                    a, lda, b, ldb, beta, c, ldc);
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!done) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.park(SplitGemm.class);
            }
        } finally {
            claimed.set(false);
        }
    }

    private static FloatPointer offset(FloatPointer p, long elements) {
        return new FloatPointer(p).position(p.position() + elements);
    }

    /** Whether a helper thread is running now (for tests). */
    static boolean helperAlive() {
        synchronized (lifecycle) {
            return helper != null;
        }
    }

    private static Thread startHelper() {
        Thread t = new Thread(SplitGemm::serve, "contrastream-gemm");
        t.setDaemon(true);
        t.setContextClassLoader(null);   // nothing here loads classes; do not pin the creator's loader
        t.start();
        return t;
    }

    private static void serve() {
        long idleSince = System.nanoTime();
        while (true) {
            Runnable r = task;
            if (r == null) {
                long idle = System.nanoTime() - idleSince;
                if (idle < SPIN_NANOS) Thread.onSpinWait();
                else if (idle < IDLE_EXIT_NANOS) LockSupport.parkNanos(SplitGemm.class, IDLE_EXIT_NANOS - idle);
                else synchronized (lifecycle) {
                    if (task == null) {
                        helper = null;
                        return;
                    }
                }
                continue;
            }
            task = null;
            try {
                r.run();
            } finally {
                done = true;
                LockSupport.unpark(caller);
                idleSince = System.nanoTime();
            }
        }
    }
}
