package io.contrastream.pipeline.train;

/**
 * When the learner may spend a replay step: only while it has caught up with the stream, and at most {@code ratio}
 * replay steps per stream step, so that a slow stream's idle time buys more steps and a fast stream is never slowed.
 *
 * <p>"Caught up" is read from the stream batches themselves, two ways: a batch that waited for the learner longer than
 * a few steps ({@link #tolerance}), or whose newest sample was written to Kafka longer ago than {@link #LAG_MS} plus
 * that, means the stream is ahead of the learner (a backlog in the buffers, or on the topic); replay then pauses until
 * a batch arrives fresh again. The credit cap keeps an idle stream from being replayed without end (and from
 * publishing new versions without new data).
 */
final class IdleReplay {

    private static final long MIN_TOLERANCE_MS = 250;
    /**
     * Source lag of a batch's newest sample still counted as caught up. The feed's own latency is far below it (p50
     * 40 ms, p99 0.3 s in bench-e2e training on every sample, since {@link ReplayLoop} lets the input go first), so an
     * older batch means a backlog on the topic, such as the one a job finds when it starts. The batch operator counts a
     * record's wait in its batch out of that lag, so a slow stream's batches closed by timeout do not look behind.
     */
    static final long LAG_MS = 1_000;
    /** A learner behind its stream that has had no stream batch for this long has read the backlog. */
    static final long IDLE_MS = 1_000;
    /** Stream steps' worth of unspent credits kept: bounds the replay after a stream stops to CARRY_STEPS × ratio. */
    static final int CARRY_STEPS = 64;
    /** ... and to this many steps in all, whatever the ratio: a paused stream is not replayed for minutes on end. */
    static final int MAX_CARRY = 1024;

    private final double ratio;
    private double credits;
    private boolean backlogged;
    private boolean behindTopic;
    private long lastStreamMs;
    private double stepMs = 0;   // EWMA of a learner step's duration, stream or replay

    IdleReplay(double ratio) {
        if (!(ratio >= 0)) throw new IllegalArgumentException("replay ratio must be >= 0, got " + ratio);
        this.ratio = ratio;
    }

    /**
     * A stream batch was trained on in {@code nanos}; it had waited {@code waitedMs} since it was formed and its newest
     * sample {@code lagMs} since it was written (negative: unknown).
     */
    void onStreamStep(long nowMs, long waitedMs, long lagMs, long nanos) {
        observe(nanos);
        lastStreamMs = nowMs;
        backlogged = waitedMs > tolerance();
        // Behind the topic is only over when a batch arrives fresh again: a slow stream's batches are seconds apart, so
        // a pause between them does not mean the backlog was read (bench/quality fell to half its offered rate so).
        behindTopic = lagMs > LAG_MS + tolerance();
        // Fractions add up (a ratio of 0.5 replays once every second stream step), and so do credits a learner slower
        // than ratio replays per stream batch could not spend yet: it spends them when the stream pauses or ends.
        credits = Math.min(Math.min(Math.max(1, Math.ceil(ratio)) * CARRY_STEPS, MAX_CARRY), credits + ratio);
    }

    /**
     * Whether a replay step may run at {@code nowMs}: credits left, the last batch fresh from the topic, and caught up
     * with the stream, or behind it but with no stream batch for {@link #idleAt} (whatever was behind has been read).
     */
    boolean wanted(long nowMs) {
        return credits >= 1 && !behindTopic && (!backlogged || nowMs >= idleAt());
    }

    /** When a backlogged learner that has seen no stream batch since counts as idle. */
    long idleAt() {
        return lastStreamMs + Math.max(IDLE_MS, 3 * tolerance());
    }

    /** A replay step of {@code nanos} ran. */
    void charge(long nanos) {
        credits--;
        observe(nanos);
    }

    private void observe(long nanos) {
        double ms = nanos / 1e6;
        stepMs = stepMs == 0 ? ms : 0.8 * stepMs + 0.2 * ms;
    }

    /** A step's duration (EWMA), ns: what a replay step may hold a stream batch up by. */
    long stepNanos() {
        return (long) (stepMs * 1e6);
    }

    /**
     * How long a batch may wait before it means a backlog: a fresh batch waits for at most the replay step running
     * when it came; three steps leave room for the steps' spread.
     */
    long tolerance() {
        return Math.max(MIN_TOLERANCE_MS, (long) (3 * stepMs));
    }
}
