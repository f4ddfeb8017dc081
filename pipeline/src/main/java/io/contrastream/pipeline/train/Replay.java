package io.contrastream.pipeline.train;

/**
 * Replay of past samples: steps on batches drawn from a reservoir of {@code capacity} raw samples, each
 * re-augmented. {@code idle}: up to {@code ratio} per stream step, taken only while the learner has caught up with
 * the stream ({@link IdleReplay}); otherwise exactly {@code ratio} after each stream batch, which the stream waits
 * for (fractional ratios are drawn, seeded; deterministic). Ratio 0 turns it off.
 */
public record Replay(double ratio, int capacity, double augmentStrength, long seed, boolean idle) implements java.io.Serializable {
    public static Replay off() {
        return new Replay(0, 1, 1, 0, false);
    }
}
