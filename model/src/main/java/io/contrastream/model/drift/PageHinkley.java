package io.contrastream.model.drift;

/**
 * Page-Hinkley change detector (Page 1954; Hinkley 1971) on a scalar series, in units of the series' own
 * scale: the first {@code warmup} values fix a mean μ and std σ; after that each value x adds (x − μ)/σ − δ to an
 * upward cumulative sum and −(x − μ)/σ − δ to a downward one, each floored at 0 (CUSUM form), and an alarm fires when
 * a watched one exceeds λ. After an alarm the detector re-learns μ and σ from the next {@code warmup} values.
 *
 * <p>Standardising makes one (δ, λ) fit loss, accuracy and collapse alike. With warm-up 10, δ = 0.5 and λ = 8 an
 * in-control Gaussian series ran more than 500 values per false alarm and a sustained 2σ shift fired within 10
 * (PageHinkley cases in DriftAlarmsTest); the scale estimated from a short warm-up is the main source of false alarms.
 */
public final class PageHinkley {

    /** Which changes of level raise the alarm. */
    public enum Direction { UP, DOWN, BOTH }

    private final int warmup;
    private final double delta;
    private final double lambda;
    private final Direction direction;
    private long n;          // values seen since the last (re)start
    private double mean;
    private double m2;       // Welford's sum of squared deviations, during warm-up
    private double up;
    private double down;

    public PageHinkley(int warmup, double delta, double lambda) {
        this(warmup, delta, lambda, Direction.BOTH);
    }

    public PageHinkley(int warmup, double delta, double lambda, Direction direction) {
        if (warmup < 2) throw new IllegalArgumentException("warmup must be >= 2, got " + warmup);
        if (!(delta >= 0)) throw new IllegalArgumentException("delta must be >= 0, got " + delta);
        if (!(lambda > 0)) throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
        this.warmup = warmup;
        this.delta = delta;
        this.lambda = lambda;
        this.direction = direction;
    }

    /** Adds a value (NaN is ignored); true when this value raises an alarm. */
    public boolean add(double x) {
        if (!Double.isFinite(x)) return false;
        n++;
        if (n <= warmup) {
            double d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
            return false;
        }
        double sd = Math.sqrt(m2 / (warmup - 1));
        double z = (x - mean) / Math.max(sd, 1e-9 * Math.max(1, Math.abs(mean)));
        up = Math.max(0, up + z - delta);
        down = Math.max(0, down - z - delta);
        if ((direction != Direction.DOWN && up > lambda) || (direction != Direction.UP && down > lambda)) {
            reset();
            return true;
        }
        return false;
    }

    /** The larger of the two cumulative sums, in σ units: how close the detector is to λ. */
    public double statistic() {
        return Math.max(up, down);
    }

    public double threshold() {
        return lambda;
    }

    private void reset() {
        n = 0;
        mean = 0;
        m2 = 0;
        up = 0;
        down = 0;
    }

    /** The state as five numbers, for checkpoints. */
    public double[] save() {
        return new double[] {n, mean, m2, up, down};
    }

    public void restore(double[] s) {
        n = (long) s[0];
        mean = s[1];
        m2 = s[2];
        up = s[3];
        down = s[4];
    }
}
