package io.contrastream.model.serve;

/**
 * When a new space's first version may be served: after {@code minSteps}, once the training loss has stopped falling
 * (the mean of the last {@code window} steps' losses below the mean of the {@code window} before by less than the
 * fraction {@code plateau}), and at the latest after {@code maxSteps}. Vectors served while the encoder still moves
 * fast are the least comparable with later ones, and the compatibility term would hold the learner near them.
 * Not thread-safe.
 */
public final class WarmUp {

    /** Steps per window of the loss comparison: about what one 50-step stretch of a noisy loss needs to settle. */
    public static final int WINDOW = 50;

    private final int minSteps;
    private final int maxSteps;
    private final double plateau;
    private final double[] losses;   // the last 2·window losses, a ring
    private long seen;               // finite losses observed
    private boolean over;

    /** {@code plateau} 0 ends the warm-up at {@code minSteps}, as a fixed count. */
    public WarmUp(int minSteps, int maxSteps, double plateau, int window) {
        if (minSteps < 0 || maxSteps < minSteps) throw new IllegalArgumentException("need 0 ≤ minSteps ≤ maxSteps, got " + minSteps + ", " + maxSteps);
        if (!(plateau >= 0) || window < 1) throw new IllegalArgumentException("need plateau ≥ 0 and window ≥ 1, got " + plateau + ", " + window);
        this.minSteps = minSteps;
        this.maxSteps = maxSteps;
        this.plateau = plateau;
        this.losses = new double[2 * window];
    }

    /** Records the loss of the learner's latest step (a NaN, e.g. of a skipped step, is ignored). */
    public void observe(double loss) {
        if (!Double.isFinite(loss)) return;
        losses[(int) (seen++ % losses.length)] = loss;
    }

    /** Whether the warm-up has ended by {@code step}; once ended it stays ended. */
    public boolean over(long step) {
        if (over || step >= maxSteps || step >= minSteps && (plateau == 0 || flat())) over = true;
        return over;
    }

    /** The relative fall of the mean loss over the last window against the window before; NaN before 2 windows. */
    public double fall() {
        int w = losses.length / 2;
        if (seen < losses.length) return Double.NaN;
        double recent = 0;
        double before = 0;
        for (int i = 0; i < w; i++) {
            recent += losses[(int) ((seen - 1 - i) % losses.length)];
            before += losses[(int) ((seen - 1 - w - i) % losses.length)];
        }
        return (before - recent) / Math.abs(before);
    }

    private boolean flat() {
        double f = fall();
        return f == f && f < plateau;
    }
}
