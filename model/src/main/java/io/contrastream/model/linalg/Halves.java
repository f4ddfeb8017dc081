package io.contrastream.model.linalg;

/**
 * Runs a loop over [0, n) in two halves, the second on the helper thread that also splits the gemms, so an
 * element-wise pass or per-sample work uses both cores without a thread pool of its own.
 */
public final class Halves {

    /** The loop body over [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private Halves() {}

    /**
     * Runs {@code body} over [0, n): in two halves when n ≥ {@code minSplit} (below it a hand-off, a few microseconds,
     * costs more than it saves) and the helper is free, else all of it here. The halves must not depend on each other.
     */
    public static void run(int n, int minSplit, Range body) {
        if (n >= Math.max(2, minSplit)) {
            int half = n / 2;
            if (HelperThread.tryRun(() -> body.run(0, half), () -> body.run(half, n))) return;
        }
        body.run(0, n);
    }
}
