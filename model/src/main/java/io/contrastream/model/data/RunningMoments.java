package io.contrastream.model.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Running per-feature means and variances of a stream, merged a batch at a time (Welford 1962; the pairwise update of
 * Chan, Golub &amp; LeVeque 1979): numerically stable over any number of samples, in O(d) memory.
 */
public final class RunningMoments {

    private static final int MAGIC = 0x4D4F4D31;   // "MOM1"
    /** Below this std (relative to the mean's size) a feature counts as constant so far: centred, not scaled. */
    private static final double MIN_STD = 1e-6;

    private final int width;
    private long count;
    private final double[] mean;
    private final double[] m2;   // Σ (x − mean)²

    public RunningMoments(int width) {
        if (width <= 0) throw new IllegalArgumentException("width must be positive, got " + width);
        this.width = width;
        this.mean = new double[width];
        this.m2 = new double[width];
    }

    /** Merges n rows (row-major). */
    public void update(float[] rows, int n) {
        if (n <= 0) return;
        double[] bMean = new double[width];
        double[] bM2 = new double[width];
        for (int i = 0; i < n; i++) for (int j = 0; j < width; j++) bMean[j] += rows[i * width + j];
        for (int j = 0; j < width; j++) bMean[j] /= n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                double e = rows[i * width + j] - bMean[j];
                bM2[j] += e * e;
            }
        }
        long total = count + n;
        for (int j = 0; j < width; j++) {
            double delta = bMean[j] - mean[j];
            mean[j] += delta * n / total;
            m2[j] += bM2[j] + delta * delta * count * n / total;
        }
        count = total;
    }

    public long count() { return count; }

    /** Starts from a transform measured before, as if from {@code count} samples with those moments (a warm start). */
    public void seed(Standardization z, long count) {
        if (z.mean().length != width) throw new IllegalArgumentException("a transform of " + z.mean().length + " features for " + width);
        this.count = count;
        for (int j = 0; j < width; j++) {
            mean[j] = z.mean()[j];
            m2[j] = (double) z.std()[j] * z.std()[j] * count;
        }
    }

    /** The z-score of what has been seen (population variance); null before any sample. */
    public Standardization current() {
        if (count == 0) return null;
        float[] mu = new float[width];
        float[] sd = new float[width];
        for (int j = 0; j < width; j++) {
            mu[j] = (float) mean[j];
            double s = Math.sqrt(m2[j] / count);
            // As scikit-learn's StandardScaler: a constant feature keeps scale 1, so a later change in it is not
            // amplified a million-fold in the served vectors.
            sd[j] = s < MIN_STD * Math.max(1, Math.abs(mean[j])) ? 1f : (float) s;
        }
        return new Standardization(mu, sd);
    }

    public byte[] save() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 16 * width);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(width);
            out.writeLong(count);
            for (int j = 0; j < width; j++) {
                out.writeDouble(mean[j]);
                out.writeDouble(m2[j]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores what {@link #save} wrote; refuses moments of another width, naming both. */
    public void restore(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readInt() != MAGIC) throw new IllegalArgumentException("not a running-moments state");
            int w = in.readInt();
            if (w != width) throw new IllegalArgumentException("running moments of " + w + " features cannot restore into " + width);
            count = in.readLong();
            for (int j = 0; j < width; j++) {
                mean[j] = in.readDouble();
                m2[j] = in.readDouble();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
