package io.contrastream.pipeline.train;

/**
 * When the learner may spend a replay step: only while it has caught up with the stream, and at most {@code ratio}
 * replay steps per stream step, so that a slow stream's idle time buys more steps and a fast stream is never slowed.
 *
 * <p>"Caught up" is read from the stream batches themselves: a batch that waited in the network buffers longer than
 * a replay step could have held it up ({@link #tolerance}) means the stream is faster than the learner; replay then
 * pauses until a batch arrives fresh again. The credit cap keeps an idle stream from being replayed without end (and
 * from publishing new versions without new data).
 */
final class IdleReplay {

    private static final long MIN_TOLERANCE_MS = 250;

    private final double ratio;
    private double credits;
    private boolean backlogged;
    private double stepMs = 0;   // EWMA of a replay step's duration

    IdleReplay(double ratio) {
        if (!(ratio >= 0)) throw new IllegalArgumentException("replay ratio must be >= 0, got " + ratio);
        this.ratio = ratio;
    }

    /** A stream batch was trained on; {@code waitedMs} since it was formed (negative: unknown). */
    void onStreamStep(long waitedMs) {
        backlogged = waitedMs > tolerance();
        credits = backlogged ? 0 : Math.min(ratio, credits + ratio);
    }

    /** Whether a replay step may run now. */
    boolean wanted() {
        return !backlogged && credits >= 1;
    }

    /** A replay step of {@code nanos} ran. */
    void charge(long nanos) {
        credits--;
        double ms = nanos / 1e6;
        stepMs = stepMs == 0 ? ms : 0.8 * stepMs + 0.2 * ms;
    }

    /** How long a batch may wait before it means a backlog: a fresh batch can wait for at most one replay step. */
    long tolerance() {
        return Math.max(MIN_TOLERANCE_MS, (long) (3 * stepMs));
    }
}
