package io.contrastream.model.linalg;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One process-wide helper thread that runs the second half of a split piece of work (a gemm, an element-wise pass)
 * while the caller runs the first. OpenBLAS's own worker threads wait for the next call by looping on
 * {@code sched_yield}: between the learner's gemms that kept a second core busy in system time (a third of the
 * learner's CPU time, issue 17), a core the pipeline's decode and embed threads needed. This helper spins for at most
 * {@link #SPIN_NANOS} in user space, then parks, and ends after {@link #IDLE_EXIT_NANOS} without work: on a session
 * cluster each job has its own class loader, and a thread that outlived its job would keep that loader alive.
 */
final class HelperThread {

    /** How long the helper waits for the next piece before parking: the step's pieces come in quick succession. */
    static final long SPIN_NANOS = 50_000;
    /** How long the helper stays parked without work before it ends; the next split starts a new one. */
    static final long IDLE_EXIT_NANOS = 5_000_000_000L;

    /** Threads that never hand work to the helper (see {@link Blas#alone}). */
    static final ThreadLocal<Boolean> ALONE = ThreadLocal.withInitial(() -> false);

    private static final AtomicBoolean claimed = new AtomicBoolean();
    private static final Object lifecycle = new Object();
    private static volatile Runnable task;
    private static volatile boolean done;
    private static volatile Throwable failure;
    private static volatile Thread caller;
    private static Thread helper;   // guarded by lifecycle; null when none runs

    private HelperThread() {}

    /**
     * Runs {@code second} on the helper and {@code first} here, returning when both are done (a failure of either is
     * thrown here); false without running anything if the helper is already taken by another caller.
     */
    static boolean tryRun(Runnable first, Runnable second) {
        if (ALONE.get() || !claimed.compareAndSet(false, true)) return false;
        try {
            done = false;
            failure = null;
            caller = Thread.currentThread();
            Thread h;
            synchronized (lifecycle) {   // the task is set under the lock the helper checks before it ends
                task = second;
                if (helper == null) helper = startHelper();
                h = helper;
            }
            LockSupport.unpark(h);
            try {
                first.run();
            } finally {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (!done) {
                    if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                    else LockSupport.park(HelperThread.class);
                }
            }
            Throwable f = failure;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
            return true;
        } finally {
            claimed.set(false);
        }
    }

    /** Whether a helper thread is running now (for tests). */
    static boolean alive() {
        synchronized (lifecycle) {
            return helper != null;
        }
    }

    private static Thread startHelper() {
        Thread t = new Thread(HelperThread::serve, "contrastream-gemm");
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
                else if (idle < IDLE_EXIT_NANOS) LockSupport.parkNanos(HelperThread.class, IDLE_EXIT_NANOS - idle);
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
            } catch (Throwable t) {   // handed to the caller, which rethrows it; the helper lives on
                failure = t;
            } finally {
                done = true;
                LockSupport.unpark(caller);
                idleSince = System.nanoTime();
            }
        }
    }
}
