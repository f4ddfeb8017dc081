package io.contrastream.model.drift;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * ADWIN (Bifet &amp; Gavaldà 2007): an adaptive window over a scalar series that drops its oldest values whenever two
 * sub-windows W₀|W₁ have means further apart than ε_cut = √(2σ²/m · ln(2/δ')) + 2R/(3m) · ln(2/δ'), with m the
 * harmonic mean of their lengths, σ² the window's variance, R its range and δ' = δ/|W|; a drop is a detected change.
 *
 * <p>This is the exact O(|W|) per value form, without ADWIN2's exponential histogram: meant for series of one value
 * per drift window (tens to thousands of values), where it is exact and cheap. Used as a baseline by bench/drift.
 */
public final class Adwin {

    private final double delta;
    private final int minSide;
    private final Deque<Double> window = new ArrayDeque<>();

    /** @param delta confidence (MOA's default 0.002); @param minSide fewest values on either side of a cut */
    public Adwin(double delta, int minSide) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        if (minSide < 1) throw new IllegalArgumentException("minSide must be >= 1, got " + minSide);
        this.delta = delta;
        this.minSide = minSide;
    }

    /** Adds a value (non-finite ones are ignored); true when the window had to shrink: a change was detected. */
    public boolean add(double x) {
        if (!Double.isFinite(x)) return false;
        window.addLast(x);
        boolean changed = false;
        while (cut()) {
            window.removeFirst();
            changed = true;
        }
        return changed;
    }

    public int size() {
        return window.size();
    }

    /** Whether some split of the window has sub-window means further apart than ε_cut. */
    private boolean cut() {
        int n = window.size();
        if (n < 2 * minSide) return false;
        double[] v = window.stream().mapToDouble(Double::doubleValue).toArray();
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mean = sum / n;
        double var = 0;
        for (double x : v) var += (x - mean) * (x - mean);
        var /= n;
        double range = max - min;
        double logTerm = Math.log(2 * n / delta);   // ln(2/δ'), δ' = δ/n
        double head = 0;
        for (int i = 0; i < n - minSide; i++) {
            head += v[i];
            int n0 = i + 1;
            int n1 = n - n0;
            if (n0 < minSide) continue;
            double m = 1 / (1.0 / n0 + 1.0 / n1);
            double eps = Math.sqrt(2 * var / m * logTerm) + 2 * range / (3 * m) * logTerm;
            if (Math.abs(head / n0 - (sum - head) / n1) > eps) return true;
        }
        return false;
    }
}
