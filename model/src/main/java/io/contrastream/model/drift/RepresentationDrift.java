package io.contrastream.model.drift;

import io.contrastream.model.linalg.Rows;

/**
 * How far one encoder version moved a fixed set of probe samples from where the previous version put them: the mean
 * cosine movement 1 − cos(e_old, e_new) of each probe's embedding, and the mean overlap of each probe's k nearest
 * neighbours (cosine) among the probes under the two versions. Stored vectors of a vector index go stale when the
 * movement grows and the overlap falls; both are exactly 0 and 1 when the encoder did not change.
 */
public final class RepresentationDrift {

    public record Result(double cosineMovement, double knnOverlap) {}

    private RepresentationDrift() {}

    /** {@code before} and {@code after}: the same n probes (n > k) embedded by two encoder versions. */
    public static Result compare(float[][] before, float[][] after, int k) {
        int n = before.length;
        if (after.length != n) throw new IllegalArgumentException("probe counts differ: " + n + " and " + after.length);
        if (n <= k) throw new IllegalArgumentException("need more than k = " + k + " probes, got " + n);
        double[][] a = Rows.normalize(before);
        double[][] b = Rows.normalize(after);
        double movement = 0;
        for (int i = 0; i < n; i++) movement += 1 - dot(a[i], b[i]);
        Columns ac = new Columns(a, a[0].length);
        Columns bc = new Columns(b, b[0].length);
        double[][] simA = new double[Columns.BLOCK][n];
        double[][] simB = new double[Columns.BLOCK][n];
        boolean[] nearA = new boolean[n];
        double overlap = 0;
        for (int i = 0; i < n; i++) {
            if (i % Columns.BLOCK == 0) {
                ac.dots(i, 0, n, simA);
                bc.dots(i, 0, n, simB);
            }
            int[] na = neighbours(simA[i % Columns.BLOCK], i, k);
            for (int j : na) nearA[j] = true;
            int shared = 0;
            for (int j : neighbours(simB[i % Columns.BLOCK], i, k)) if (nearA[j]) shared++;
            for (int j : na) nearA[j] = false;
            overlap += shared / (double) k;
        }
        return new Result(Math.max(0, movement / n), overlap / n);
    }

    /**
     * Indices of the k most cosine-similar other probes of probe i (ties broken by index), given i's similarities, in
     * that order: the first k of the full ranking, kept by insertion as the probes go by, since k is small.
     */
    static int[] neighbours(double[] sim, int i, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int j = 0; j < sim.length; j++) {
            if (j == i) continue;
            int at = size;
            while (at > 0 && ranksBefore(sim, j, best[at - 1])) at--;
            if (at == k) continue;
            if (size < k) size++;
            System.arraycopy(best, at, best, at + 1, size - 1 - at);
            best[at] = j;
        }
        return best;
    }

    /** The ranking: more similar first, then the lower index (similarities that compare equal tie, so 0.0 and −0.0). */
    private static boolean ranksBefore(double[] sim, int p, int q) {
        return sim[p] != sim[q] ? Double.compare(sim[q], sim[p]) < 0 : p < q;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }
}
