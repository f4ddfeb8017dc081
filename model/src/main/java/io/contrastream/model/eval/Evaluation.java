package io.contrastream.model.eval;

import io.contrastream.model.linalg.Blas;
import io.contrastream.model.linalg.Rows;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The frozen-feature protocol of the quality benchmark: weighted kNN (cosine similarity, votes weighted by
 * exp(sim/T), InstDisc / solo-learn) and a linear probe (multinomial logistic regression on z-scored features, Adam).
 * Similarities are computed block-wise with sgemm, so a 60,000-image bank is seconds, not minutes.
 */
public final class Evaluation {

    private static final int BLOCK = 256;

    private Evaluation() {}

    /** kNN accuracy (fraction) of the test rows against the train bank, for each k in {@code ks}. */
    public static double[] knn(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes,
                               int[] ks, double temperature) {
        return knn(train, trainLabels, test, testLabels, classes, ks, temperature, done -> {});
    }

    /** As the kNN above, telling {@code progress} after each block of queries how many test rows are scored. */
    public static double[] knn(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes,
                               int[] ks, double temperature, LongConsumer progress) {
        int kMax = 0;
        for (int k : ks) kMax = Math.max(kMax, Math.min(k, train.length));
        INDArray bank = unitRows(train);                                        // N×d
        int[] correct = new int[ks.length];
        INDArray block = Nd4j.createUninitialized(DataType.FLOAT, BLOCK, train.length);      // reused: 60 MB at N = 60,000
        for (int from = 0; from < test.length; from += BLOCK) {
            int n = Math.min(BLOCK, test.length - from);
            INDArray queries = unitRows(java.util.Arrays.copyOfRange(test, from, from + n));   // n×d
            INDArray sims = n == BLOCK ? block : block.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());   // n×N
            Blas.gemm(queries, bank.transpose(), sims, 1f, 0f);
            java.nio.FloatBuffer s = sims.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                int[] top = topK(s, i * train.length, train.length, kMax);              // most similar first
                for (int c = 0; c < ks.length; c++) {
                    double[] votes = new double[classes];
                    for (int j = 0; j < Math.min(ks[c], top.length); j++) {
                        votes[trainLabels[top[j]]] += Math.exp(s.get(i * train.length + top[j]) / temperature);
                    }
                    if (argmax(votes) == testLabels[from + i]) correct[c]++;
                }
            }
            // The NIO view does not keep the native buffer alive: sims must stay reachable until here.
            java.lang.ref.Reference.reachabilityFence(block);
            progress.accept(from + n);
        }
        double[] acc = new double[ks.length];
        for (int c = 0; c < ks.length; c++) acc[c] = correct[c] / (double) test.length;
        return acc;
    }

    /**
     * Linear-probe accuracy (fraction): features z-scored with the train statistics, one linear layer with softmax
     * cross-entropy, Adam (lr 1e-3), minibatches of 256, seeded shuffling.
     */
    public static double linearProbe(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes,
                                     int epochs, long seed) {
        return linearProbe(train, trainLabels, test, testLabels, classes, epochs, seed, done -> {});
    }

    /**
     * As the linear probe above, telling {@code progress} after each minibatch how many samples it has trained on,
     * out of {@code epochs × train.length}.
     */
    public static double linearProbe(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes,
                                     int epochs, long seed, LongConsumer progress) {
        int d = train[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (float[] r : train) for (int j = 0; j < d; j++) mean[j] += r[j] / train.length;
        for (float[] r : train) for (int j = 0; j < d; j++) std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / train.length;
        for (int j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-6;
        INDArray x = standardized(train, mean, std);                                 // N×d
        INDArray w = Nd4j.zeros(DataType.FLOAT, d + 1, classes);                     // (d+1)×C, last row = bias
        float[] m = new float[(d + 1) * classes];
        float[] v = new float[(d + 1) * classes];
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = new int[train.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int t = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int from = 0; from < order.length; from += BLOCK) {
                int n = Math.min(BLOCK, order.length - from);
                INDArray xb = Nd4j.createUninitialized(DataType.FLOAT, n, d + 1);     // n×(d+1), with a ones column
                java.nio.FloatBuffer xs = x.data().asNioFloat();
                java.nio.FloatBuffer bs = xb.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) bs.put(i * (d + 1) + j, xs.get(order[from + i] * d + j));
                    bs.put(i * (d + 1) + d, 1f);
                }
                INDArray p = softmaxRows(xb, w, n, classes);                         // n×C
                java.nio.FloatBuffer ps = p.data().asNioFloat();
                for (int i = 0; i < n; i++) {
                    int y = trainLabels[order[from + i]];
                    ps.put(i * classes + y, ps.get(i * classes + y) - 1f);           // ∂L/∂logits = p − onehot
                }
                INDArray g = Nd4j.createUninitialized(DataType.FLOAT, d + 1, classes);
                Blas.gemm(xb.transpose(), p, g, 1f / n, 0f);                         // (d+1)×C
                adam(w, g, m, v, ++t);
                java.lang.ref.Reference.reachabilityFence(xb);
                java.lang.ref.Reference.reachabilityFence(p);
                java.lang.ref.Reference.reachabilityFence(g);
                progress.accept((long) epoch * order.length + from + n);
            }
        }
        INDArray xt = standardized(test, mean, std);
        INDArray xtb = Nd4j.concat(1, xt, Nd4j.ones(DataType.FLOAT, test.length, 1));
        INDArray logits = Nd4j.createUninitialized(DataType.FLOAT, test.length, classes);
        Blas.gemm(xtb, w, logits, 1f, 0f);
        int correct = 0;
        for (int i = 0; i < test.length; i++) {
            double[] row = new double[classes];
            for (int c = 0; c < classes; c++) row[c] = logits.getFloat(i, c);
            if (argmax(row) == testLabels[i]) correct++;
        }
        java.lang.ref.Reference.reachabilityFence(x);
        return correct / (double) test.length;
    }

    private static INDArray softmaxRows(INDArray xb, INDArray w, int n, int classes) {
        INDArray logits = Nd4j.createUninitialized(DataType.FLOAT, n, classes);
        Blas.gemm(xb, w, logits, 1f, 0f);
        java.nio.FloatBuffer l = logits.data().asNioFloat();
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, l.get(i * classes + c));
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.exp(l.get(i * classes + c) - max);
            for (int c = 0; c < classes; c++) l.put(i * classes + c, (float) (Math.exp(l.get(i * classes + c) - max) / sum));
        }
        return logits;
    }

    private static void adam(INDArray w, INDArray g, float[] m, float[] v, int t) {
        java.nio.FloatBuffer ws = w.data().asNioFloat();
        java.nio.FloatBuffer gs = g.data().asNioFloat();
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        for (int i = 0; i < m.length; i++) {
            float gi = gs.get(i);
            m[i] = 0.9f * m[i] + 0.1f * gi;
            v[i] = 0.999f * v[i] + 0.001f * gi * gi;
            ws.put(i, (float) (ws.get(i) - 1e-3 * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8)));
        }
    }

    private static INDArray standardized(float[][] rows, double[] mean, double[] std) {
        int d = mean.length;
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, rows.length, d);
        java.nio.FloatBuffer xs = x.data().asNioFloat();
        for (int i = 0; i < rows.length; i++) for (int j = 0; j < d; j++) xs.put(i * d + j, (float) ((rows[i][j] - mean[j]) / std[j]));
        return x;
    }

    private static INDArray unitRows(float[][] rows) {
        INDArray x = Nd4j.create(rows);
        Rows.normalize(x);
        return x;
    }

    /** Indices of the k largest values in s[offset, offset+n), largest first (a bounded min-heap). */
    private static int[] topK(java.nio.FloatBuffer s, int offset, int n, int k) {
        PriorityQueue<int[]> heap = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(s.get(offset + a[0]), s.get(offset + b[0])));
        for (int j = 0; j < n; j++) {
            if (heap.size() < k) heap.add(new int[] {j});
            else if (s.get(offset + j) > s.get(offset + heap.peek()[0])) {
                heap.poll();
                heap.add(new int[] {j});
            }
        }
        int[] out = new int[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) out[i] = heap.poll()[0];
        return out;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

}
