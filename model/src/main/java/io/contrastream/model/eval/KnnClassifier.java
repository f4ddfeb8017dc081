package io.contrastream.model.eval;

import io.contrastream.model.linalg.Rows;

/**
 * Weighted k-nearest-neighbour probe on frozen features (InstDisc, Wu et al. 2018; solo-learn) in which the k bank
 * rows of highest cosine similarity s vote for their labels with weight exp(s / T) and the heaviest class wins.
 */
public final class KnnClassifier {

    /** The usual InstDisc / solo-learn temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.07;

    private final float[] bank;
    private final int[] labels;
    private final int size;
    private final int dim;
    private final int numClasses;
    private final int k;
    private final double temperature;

    /**
     * Normalises and copies {@code bank}; {@code k} larger than the bank is clamped to the bank size.
     *
     * @param bank        feature rows, at least one, all of the same positive width
     * @param bankLabels  one label in [0, numClasses) per bank row
     * @param numClasses  at least 1
     * @param k           neighbours that vote, at least 1
     * @param temperature T &gt; 0 in the vote weight exp(s / T)
     */
    public KnnClassifier(float[][] bank, int[] bankLabels, int numClasses, int k, double temperature) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        this.dim = Rows.requireMatrix(bank, "bank", 1, -1);
        requireLabels(bankLabels, "bankLabels", bank.length, numClasses);
        if ((long) bank.length * dim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bank is too large to flatten: " + bank.length + " x " + dim);
        }
        this.size = bank.length;
        this.numClasses = numClasses;
        this.k = Math.min(k, size);
        this.temperature = temperature;
        this.labels = bankLabels.clone();
        // One contiguous array keeps the per-query scan a linear walk through memory.
        this.bank = new float[size * dim];
        for (int i = 0; i < size; i++) Rows.normalizeInto(bank[i], this.bank, i * dim);
    }

    /**
     * Returns the predicted class of {@code query}; ties in summed weight go to the lowest class index.
     *
     * <p>Scans the whole bank: O(bank × d) multiply-adds plus O(bank · log k) for the top-k selection.
     */
    public int predict(float[] query) {
        if (query == null || query.length != dim) {
            throw new IllegalArgumentException("query must have " + dim + " values");
        }
        for (float v : query) {
            if (!Float.isFinite(v)) throw new IllegalArgumentException("query contains a non-finite value");
        }
        return nearestVote(query);
    }

    /**
     * Fraction in [0, 1] of {@code queries} whose prediction equals the corresponding entry of {@code labels}.
     *
     * <p>Costs O(queries × bank × d): the search is exact brute force, about 1.5·10¹¹ multiply-adds for 10,000 queries
     * against a 60,000 × 256 bank.
     */
    public double accuracy(float[][] queries, int[] labels) {
        Rows.requireMatrix(queries, "queries", 1, dim);
        requireLabels(labels, "labels", queries.length, numClasses);
        int correct = 0;
        for (int i = 0; i < queries.length; i++) {
            if (nearestVote(queries[i]) == labels[i]) correct++;
        }
        return (double) correct / queries.length;
    }

    /** Builds a classifier on {@code train} and returns its accuracy on {@code test}, at O(test × train × d) cost. */
    public static double accuracy(float[][] train, int[] trainLabels, float[][] test, int[] testLabels,
                                  int numClasses, int k, double temperature) {
        return new KnnClassifier(train, trainLabels, numClasses, k, temperature).accuracy(test, testLabels);
    }

    /** Predicts an already validated query. */
    private int nearestVote(float[] query) {
        float[] q = new float[dim];
        Rows.normalizeInto(query, q, 0);
        // Bounded min-heap of the k best similarities so far: O(bank · log k) instead of sorting the bank.
        double[] heapSim = new double[k];
        int[] heapIdx = new int[k];
        int filled = 0;
        for (int i = 0; i < size; i++) {
            double s = dot(q, i * dim);
            if (filled < k) {
                siftUp(heapSim, heapIdx, filled++, s, i);
            } else if (s > heapSim[0]) {
                siftDown(heapSim, heapIdx, k, s, i);
            }
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) best = Math.max(best, heapSim[j]);
        double[] weight = new double[numClasses];
        for (int j = 0; j < k; j++) {
            // Factoring out exp(best / T) leaves the argmax unchanged and keeps exp from overflowing at small T.
            weight[labels[heapIdx[j]]] += Math.exp((heapSim[j] - best) / temperature);
        }
        int argmax = 0;
        for (int c = 1; c < numClasses; c++) {
            if (weight[c] > weight[argmax]) argmax = c;
        }
        return argmax;
    }

    /**
     * Dot product with the bank row at {@code offset}, summed in double; four accumulators break the serial add
     * dependency so the loop is not latency-bound.
     */
    private double dot(float[] q, int offset) {
        float[] b = bank;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < dim; j += 4) {
            s0 += q[j] * b[offset + j];
            s1 += q[j + 1] * b[offset + j + 1];
            s2 += q[j + 2] * b[offset + j + 2];
            s3 += q[j + 3] * b[offset + j + 3];
        }
        for (; j < dim; j++) s0 += q[j] * b[offset + j];
        return (s0 + s1) + (s2 + s3);
    }

    private static void siftUp(double[] sim, int[] idx, int at, double s, int i) {
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (sim[parent] <= s) break;
            sim[at] = sim[parent];
            idx[at] = idx[parent];
            at = parent;
        }
        sim[at] = s;
        idx[at] = i;
    }

    /** Replaces the root (the current k-th best) with (s, i) and restores the heap. */
    private static void siftDown(double[] sim, int[] idx, int n, double s, int i) {
        int at = 0;
        while (true) {
            int child = 2 * at + 1;
            if (child >= n) break;
            if (child + 1 < n && sim[child + 1] < sim[child]) child++;
            if (sim[child] >= s) break;
            sim[at] = sim[child];
            idx[at] = idx[child];
            at = child;
        }
        sim[at] = s;
        idx[at] = i;
    }

    private static void requireLabels(int[] labels, String name, int expected, int numClasses) {
        if (labels == null || labels.length != expected) {
            throw new IllegalArgumentException(name + " must have " + expected + " entries");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] = " + labels[i] + " is outside [0, " + numClasses + ")");
            }
        }
    }
}
