package io.contrastream.model.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns each window's statistics into an alarm an on-call engineer can threshold.
 *
 * <p>MMD: a window whose permutation p-value against the reference is at most α is suspect; {@code confirm}
 * consecutive suspect windows raise the alarm. The permutation test is exact only marginally, over the draw of the
 * reference too: against one fixed reference window the per-window rate of p ≤ α was measured at 0.7–4 % for α = 1 %
 * (Gaussian windows, DriftAlarmsTest), because an atypical reference looks different from every later window. Given the
 * reference, windows are independent, so requiring two in a row brings a 4 % rate down to about 0.16 % while a real
 * shift, which makes every window suspect, still alarms on its second window. The bench (bench/drift) measures the
 * resulting false alarms per 100 windows on stationary Fashion-MNIST streams.
 *
 * <p>Scalars: a {@link PageHinkley} detector on each health series fires on a sustained change of its level in the
 * direction that means trouble: the loss rising, the online kNN accuracy or the collapse std falling. A loss falling as
 * the learner learns is the normal course of things; watched both ways it raised most false alarms (bench/drift).
 */
public final class DriftAlarms {

    /** The scalar series watched by Page-Hinkley, in report order, and the direction of trouble of each. */
    public static final List<String> SERIES = List.of("loss", "knn_accuracy", "collapse_std");
    private static final PageHinkley.Direction[] TROUBLE = {PageHinkley.Direction.UP, PageHinkley.Direction.DOWN, PageHinkley.Direction.DOWN};

    /** One window's verdict; {@code detectors} names who fired, comma-separated ("mmd", "page_hinkley:loss", ...). */
    public record Decision(boolean alarm, String detectors) {}

    private final double alpha;
    private final int confirm;
    private int suspect;   // consecutive windows with p ≤ α
    private final PageHinkley[] series = new PageHinkley[SERIES.size()];

    /**
     * @param alpha       per-window level of the MMD test, in (0, 1)
     * @param confirm     consecutive windows with p ≤ α that raise the MMD alarm, ≥ 1
     * @param warmup      windows that fix each scalar series' scale before Page-Hinkley watches it
     * @param delta       Page-Hinkley drift allowance, in σ of the series
     * @param lambda      Page-Hinkley threshold, in σ of the series
     */
    public DriftAlarms(double alpha, int confirm, int warmup, double delta, double lambda) {
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        if (confirm < 1) throw new IllegalArgumentException("confirm must be >= 1, got " + confirm);
        this.alpha = alpha;
        this.confirm = confirm;
        for (int i = 0; i < series.length; i++) series[i] = new PageHinkley(warmup, delta, lambda, TROUBLE[i]);
    }

    /** Page-Hinkley defaults: warm-up 20 windows (a scale from 10 was too noisy: false alarms), δ = 0.5σ, λ = 10σ. */
    public static DriftAlarms defaults(double alpha, int confirm) {
        return new DriftAlarms(alpha, confirm, 20, 0.5, 10);
    }

    /** The smallest permutation count whose p-value, (1 + #{T* ≥ T})/(1 + P), can reach α. */
    public static int permutationsFor(double alpha) {
        return (int) Math.ceil(1 / alpha) - 1;
    }

    /** Judges one window; any argument may be null (not computed in this window). */
    public Decision judge(Double mmdPValue, Double loss, Double knnAccuracy, Double collapseStd) {
        List<String> fired = new ArrayList<>();
        if (mmdPValue != null) suspect = mmdPValue <= alpha ? suspect + 1 : 0;
        if (suspect >= confirm) {
            fired.add("mmd");
            suspect = 0;   // a persisting shift alarms again after another `confirm` windows
        }
        Double[] values = {loss, knnAccuracy, collapseStd};
        for (int i = 0; i < series.length; i++) {
            if (values[i] != null && series[i].add(values[i])) fired.add("page_hinkley:" + SERIES.get(i));
        }
        return new Decision(!fired.isEmpty(), fired.isEmpty() ? null : String.join(",", fired));
    }

    public double alpha() {
        return alpha;
    }

    /** Consecutive suspect windows so far (0 after an alarm). */
    public int suspectWindows() {
        return suspect;
    }

    /** The detectors' state, for checkpoints. */
    public double[] save() {
        double[] out = new double[1 + 5 * series.length];
        out[0] = suspect;
        for (int i = 0; i < series.length; i++) System.arraycopy(series[i].save(), 0, out, 1 + 5 * i, 5);
        return out;
    }

    public void restore(double[] saved) {
        if (saved.length != 1 + 5 * series.length) throw new IllegalStateException("drift alarm state has " + saved.length + " values");
        suspect = (int) saved[0];
        for (int i = 0; i < series.length; i++) series[i].restore(java.util.Arrays.copyOfRange(saved, 1 + 5 * i, 6 + 5 * i));
    }
}
