package io.contrastream.model.train;

/**
 * Decides whether a step's gradient is safe to apply: a non-finite norm, or (after a warm-up) a norm far above the
 * running norm of accepted gradients, is refused. A refusal still raises the scale, so a lasting change in the size
 * of the gradient is accepted after a few skipped steps instead of freezing the learner for good.
 */
public final class DivergenceGuard {

    /** Refuse norms above this multiple of the running norm. */
    static final double FACTOR = 10;
    /** Accepted steps before the guard starts refusing spikes. */
    static final int WARMUP = 20;
    static final double EMA = 0.05;
    static final double GROWTH = 1.5;

    private double scale;   // running (EMA) norm of accepted gradients; 0 until the first
    private long accepted;

    /** True to apply a gradient of this norm; updates the running scale either way. */
    public boolean accept(double norm) {
        if (!Double.isFinite(norm)) return false;
        if (accepted >= WARMUP && scale > 0 && norm > FACTOR * scale) {
            scale *= GROWTH;
            return false;
        }
        scale = accepted == 0 ? norm : (1 - EMA) * scale + EMA * norm;
        accepted++;
        return true;
    }

    public double scale() { return scale; }

    public long accepted() { return accepted; }

    void restore(double scale, long accepted) {
        this.scale = scale;
        this.accepted = accepted;
    }
}
