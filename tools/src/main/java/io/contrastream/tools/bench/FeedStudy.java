package io.contrastream.tools.bench;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.model.data.Idx;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.eval.FeedScore;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.Compatibility;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.QueueHygiene;
import io.contrastream.model.train.SampleIds;
import io.contrastream.model.train.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The feed as a consumer indexes it, without Kafka or Flink: Fashion-MNIST streamed once through the learner at the
 * job's defaults, a snapshot every 20 steps served by a {@link ServingSpace} mechanism, each sample embedded by the
 * version served when it arrived. Then kNN-20 of the test images (queries by the newest served version) against the
 * feed as delivered, against a bank re-embedded by the newest version, and for each served version its own bank with
 * its own and with the newest queries. {@code FeedStudy mechanism=align lambda=0.5 limit=30000}. Prints JSON.
 */
public final class FeedStudy {

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        java.util.Map<String, String> a = new java.util.LinkedHashMap<>();
        String[] defaults = {"data", "/usr/share/datasets/fashion-mnist/", "mechanism", "none", "lambda", "100",
                "limit", "30000", "every", "20", "seed", "42", "batch", "128", "serveevery", "1", "target", "previous", "firstserve", "0", "serve", "query"};
        for (int i = 0; i < defaults.length; i += 2) a.put(defaults[i], defaults[i + 1]);
        for (String kv : args) {
            String[] p = kv.split("=", 2);
            if (p.length != 2 || !a.containsKey(p[0])) throw new IllegalArgumentException("unknown argument " + kv + "; keys: " + a.keySet());
            a.put(p[0], p[1]);
        }
        Path dir = Path.of(a.get("data"));
        Idx.Tensor train = Idx.read(dir.resolve("train-images-idx3-ubyte.gz"), true);
        int[] ytrAll = labels(Idx.read(dir.resolve("train-labels-idx1-ubyte.gz"), false));
        Idx.Tensor test = Idx.read(dir.resolve("t10k-images-idx3-ubyte.gz"), true);
        int[] yte = labels(Idx.read(dir.resolve("t10k-labels-idx1-ubyte.gz"), false));
        long seed = Long.parseLong(a.get("seed"));
        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.CNN, train.itemShape(), Encoders.defaultConvFilters(), 128, 128, 128, seed);
        LearnerConfig config = new LearnerConfig(4096, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 0,
                new QueueHygiene(true, 1.0, 0), new LearnerConfig.Debiasing(0, 0), LearnerConfig.Method.MOCO);
        ServingSpace.Mechanism mechanism = ServingSpace.Mechanism.valueOf(a.get("mechanism").toUpperCase().replace('+', '_'));
        Learner learner = new Learner(encoder, config);
        Compatibility compat = new Compatibility(mechanism.trains() ? Double.parseDouble(a.get("lambda")) : 0);
        learner.compatibility(compat);
        ServingSpace space = new ServingSpace(mechanism, 1024, encoder.inputSize(), "study");
        if (a.get("target").equals("mean")) space.alignToMean();
        Augmenter augmenter = Augmenters.forShape(encoder.inputShape(), AugmentConfig.defaults());

        int batch = Integer.parseInt(a.get("batch"));
        int every = Integer.parseInt(a.get("every"));
        int serveEvery = Integer.parseInt(a.get("serveevery"));
        int n = Math.min(Integer.parseInt(a.get("limit")), train.count());
        int d = encoder.inputSize();
        float[] first = new float[batch * d];
        float[] second = new float[batch * d];
        float[] raw = new float[batch * d];
        long[] ids = new long[batch];
        List<ServingSpace.Served> served = new ArrayList<>();
        int[] servedIndexOf = new int[n];   // which served version embedded sample i (−1: none yet, waits for the first)
        java.util.Arrays.fill(servedIndexOf, -1);
        List<Integer> waiting = new ArrayList<>();
        int snapshots = 0;
        double[] weightSum = null;
        long start = System.nanoTime();
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(batch, n - from);
            for (int i = 0; i < b; i++) {   // the embed stage sees the batch before the learner trains on it
                if (served.isEmpty()) waiting.add(from + i);
                else servedIndexOf[from + i] = served.size() - 1;
                float[] x = train.item(from + i);
                TwoViews pair = Augmenters.twoViews(augmenter, x, Augmenters.rngFor(seed, "train:" + (from + i)));
                System.arraycopy(pair.first(), 0, first, i * d, d);
                System.arraycopy(pair.second(), 0, second, i * d, d);
                System.arraycopy(x, 0, raw, i * d, d);
                ids[i] = SampleIds.of("train:" + (from + i));
            }
            space.offer(raw, b);
            learner.step(first, second, ids, b);
            boolean last = from + b >= n;
            if (learner.step() % every == 0 || last) {
                Snapshot s = a.get("serve").equals("key") ? learner.keySnapshot(++snapshots) : learner.snapshot(++snapshots);
                if (a.get("serve").equals("average")) {   // Polyak: the mean of every snapshot's weights so far
                    if (weightSum == null) weightSum = new double[s.weights().length];
                    float[] avg = new float[weightSum.length];
                    for (int j = 0; j < avg.length; j++) avg[j] = (float) ((weightSum[j] += s.weights()[j]) / snapshots);
                    s = new Snapshot(s.version(), s.step(), s.config(), avg);
                }
                boolean warm = learner.step() >= Integer.parseInt(a.get("firstserve"));
                if ((served.isEmpty() && warm) || (!served.isEmpty() && snapshots % serveEvery == 0) || last) {
                    served.add(space.serve(s, compat));
                    for (int i : waiting) servedIndexOf[i] = served.size() - 1;
                    waiting.clear();
                }
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        float[][] xtr = rows(train, n);
        FeedScore.Result r = FeedScore.score(served, xtr, java.util.Arrays.copyOf(ytrAll, n), rows(test, test.count()), yte,
                null, servedIndexOf, 10);
        System.out.printf("{\"mechanism\": \"%s\", \"args\": \"%s\", \"steps\": %d, \"versions_served\": %d, \"train_seconds\": %.1f, \"score\": %s}%n",
                mechanism, a, learner.step(), served.size(), trainSeconds, r.json());
    }

    private static float[][] rows(Idx.Tensor t, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = t.item(i);
        return out;
    }

    private static int[] labels(Idx.Tensor t) {
        int[] y = new int[t.count()];
        for (int i = 0; i < y.length; i++) y[i] = (int) t.values()[i];
        return y;
    }
}
