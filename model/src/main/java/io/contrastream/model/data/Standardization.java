package io.contrastream.model.data;

/**
 * A per-feature z-score, {@code (x − mean) / std}, as the learner measured it on its stream ({@link RunningMoments});
 * it travels with each encoder snapshot, so everyone who embeds with that encoder transforms inputs the same way.
 */
public record Standardization(float[] mean, float[] std) {

    public Standardization {
        if (mean.length != std.length) throw new IllegalArgumentException("mean has " + mean.length + " values, std " + std.length);
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
    }

    /** n rows (row-major) standardised into a new array. */
    public float[] apply(float[] rows, int n) {
        int d = mean.length;
        if (rows.length < n * d) throw new IllegalArgumentException(n + " rows of " + d + " need " + n * d + " values, got " + rows.length);
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0, k = i * d; j < d; j++, k++) out[k] = (rows[k] - mean[j]) / std[j];
        }
        return out;
    }
}
