package io.contrastream.pipeline.train;

/**
 * A token bucket of training time: the learner may spend at most {@code maxBusy} of wall-clock time in its steps, and
 * a batch that arrives while the bucket is empty is shed, so that a stream faster than the learner is still embedded
 * at its own rate instead of waiting for training. {@code maxBusy} 1 never sheds: the stream waits for the learner.
 */
final class TrainingBudget {

    private static final long BURST_MS = 1_000;   // up to a second's worth of unused budget carries over

    private final double maxBusy;
    private double tokensNs;
    private long lastMs;

    TrainingBudget(double maxBusy, long nowMs) {
        if (!(maxBusy > 0 && maxBusy <= 1)) throw new IllegalArgumentException("maxBusy must be in (0, 1], got " + maxBusy);
        this.maxBusy = maxBusy;
        this.lastMs = nowMs;
    }

    /** Whether a batch arriving at {@code nowMs} (processing time) may be trained on. */
    boolean admit(long nowMs) {
        return admit(nowMs, 0);
    }

    /** Whether a step may start at {@code nowMs} and still leave {@code reserveNs} of budget (for the stream's next batch). */
    boolean admit(long nowMs, long reserveNs) {
        if (maxBusy >= 1) return true;
        tokensNs = Math.min(maxBusy * BURST_MS * 1e6, tokensNs + maxBusy * Math.max(0, nowMs - lastMs) * 1e6);
        lastMs = Math.max(lastMs, nowMs);
        return tokensNs >= reserveNs;
    }

    /** Charges the training time of an admitted batch. */
    void charge(long nanos) {
        if (maxBusy < 1) tokensNs -= nanos;
    }
}
