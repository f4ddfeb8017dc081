package io.contrastream.tools.bench;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.model.data.Idx;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.eval.Evaluation;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.OnlineTrainer;
import io.contrastream.model.train.QueueHygiene;
import io.contrastream.model.train.ReplayBuffer;
import io.contrastream.model.train.SampleIds;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One pass of a labelled IDX train split, in file order, through the learner exactly as the job trains it (same
 * augmentation seeding, {@link OnlineTrainer} with replay), without Kafka or Flink, then kNN-200 / kNN-20 (and
 * optionally the linear probe) on the test split. It isolates the learner's sensitivity to its knobs from the
 * pipeline: {@code StreamStudy key=value ...}, keys as in {@link #DEFAULTS}. Prints one JSON line.
 *
 * <p>With {@code rate} > 0 the stream is paced: batch i is due when its last sample would have arrived at that many
 * samples/s, and until then the learner trains on replayed batches, as a deployment whose learner outruns its stream
 * could. Every method then gets the same wall-clock budget for the same stream: a cheaper step buys more steps.
 */
public final class StreamStudy {

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("data", "/usr/share/datasets/fashion-mnist/"), Map.entry("arch", "cnn"), Map.entry("hidden", "32,64"),
            Map.entry("embedding", "128"), Map.entry("projection", "128"), Map.entry("batch", "256"),
            Map.entry("queue", "4096"), Map.entry("tau", "0.2"), Map.entry("m", "0.99"), Map.entry("lr", "1e-3"),
            Map.entry("strength", "1.0"), Map.entry("replay", "0"), Map.entry("capacity", "4096"),
            Map.entry("limit", "60000"), Map.entry("seed", "42"), Map.entry("probe", "false"),
            Map.entry("mask", "true"), Map.entry("maxcos", "1.0"), Map.entry("maxage", "0"),
            Map.entry("prior", "0"), Map.entry("hardness", "0"), Map.entry("method", "moco"), Map.entry("rate", "0"),
            Map.entry("train", "train-images-idx3-ubyte.gz"), Map.entry("trainlabels", "train-labels-idx1-ubyte.gz"),
            Map.entry("test", "t10k-images-idx3-ubyte.gz"), Map.entry("testlabels", "t10k-labels-idx1-ubyte.gz"),
            Map.entry("shape", ""), Map.entry("standardize", "false"), Map.entry("crop", "0.5"), Map.entry("flip", "0.5"),
            Map.entry("tcrop", "0.8"), Map.entry("warp", "0.25"),
            Map.entry("random", "false"), Map.entry("compat", "0"), Map.entry("every", "20"), Map.entry("firstserve", "40"),
            Map.entry("plateau", "0"), Map.entry("maxwarm", "1000"), Map.entry("window", "50"), Map.entry("bn", "false"),
            Map.entry("locals", "0"), Map.entry("localscale", "0.2,0.5"));

    private StreamStudy() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Map<String, String> a = new LinkedHashMap<>(DEFAULTS);
        for (String kv : args) {
            String[] p = kv.split("=", 2);
            if (p.length != 2 || !DEFAULTS.containsKey(p[0])) throw new IllegalArgumentException("unknown argument " + kv + "; keys: " + DEFAULTS.keySet());
            a.put(p[0], p[1]);
        }
        Path dir = Path.of(a.get("data"));
        Idx.Tensor train = Idx.read(dir.resolve(a.get("train")), true);
        Idx.Tensor trainLabels = Idx.read(dir.resolve(a.get("trainlabels")), false);
        Idx.Tensor test = Idx.read(dir.resolve(a.get("test")), true);
        Idx.Tensor testLabels = Idx.read(dir.resolve(a.get("testlabels")), false);
        int[] shape = a.get("shape").isEmpty() ? train.itemShape()
                : java.util.Arrays.stream(a.get("shape").split(",")).mapToInt(Integer::parseInt).toArray();
        long seed = Long.parseLong(a.get("seed"));
        int[] hidden = java.util.Arrays.stream(a.get("hidden").split(",")).mapToInt(Integer::parseInt).toArray();
        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.valueOf(a.get("arch").toUpperCase()),
                a.get("arch").equals("mlp") ? new int[] {train.itemSize()} : shape,
                hidden, Integer.parseInt(a.get("embedding")), Integer.parseInt(a.get("projection")),
                Integer.parseInt(a.get("projection")), seed, Boolean.parseBoolean(a.get("bn")));
        LearnerConfig config = new LearnerConfig(Integer.parseInt(a.get("queue")), Double.parseDouble(a.get("tau")),
                Double.parseDouble(a.get("m")), LearnerConfig.Optimizer.ADAM, Double.parseDouble(a.get("lr")), 0,
                new QueueHygiene(Boolean.parseBoolean(a.get("mask")), Double.parseDouble(a.get("maxcos")), Integer.parseInt(a.get("maxage"))),
                new LearnerConfig.Debiasing(Double.parseDouble(a.get("prior")), Double.parseDouble(a.get("hardness"))),
                LearnerConfig.Method.valueOf(a.get("method").toUpperCase()));
        Augmenter augmenter = Augmenters.forShape(encoder.inputShape(), AugmentConfig.builder().strength(Double.parseDouble(a.get("strength")))
                .cropMinArea(Double.parseDouble(a.get("crop"))).flipProb(Double.parseDouble(a.get("flip")))
                .timeCropMinFraction(Double.parseDouble(a.get("tcrop"))).timeWarpMax(Double.parseDouble(a.get("warp"))).build());
        OnlineTrainer trainer = new OnlineTrainer(new Learner(encoder, config), Double.parseDouble(a.get("replay")),
                new ReplayBuffer(Integer.parseInt(a.get("capacity")), encoder.inputSize(), seed), augmenter, seed);
        if (Boolean.parseBoolean(a.get("standardize"))) trainer.standardizing();
        double[] localScale = java.util.Arrays.stream(a.get("localscale").split(",")).mapToDouble(Double::parseDouble).toArray();
        if (Integer.parseInt(a.get("locals")) > 0) trainer.multiCrop(new io.contrastream.model.train.MultiCrop(Integer.parseInt(a.get("locals")), localScale[0], localScale[1]));
        // The feed's compatibility term as the job runs it: anchored on the version served at step firstserve, and
        // re-anchored on every version published after it (every N steps).
        io.contrastream.model.train.Compatibility compat = new io.contrastream.model.train.Compatibility(Double.parseDouble(a.get("compat")));
        trainer.learner().compatibility(compat);
        int every = Integer.parseInt(a.get("every"));
        io.contrastream.model.serve.WarmUp warmUp = new io.contrastream.model.serve.WarmUp(Integer.parseInt(a.get("firstserve")),
                Integer.parseInt(a.get("maxwarm")), Double.parseDouble(a.get("plateau")), Integer.parseInt(a.get("window")));
        long[] firstServed = {-1};

        int batch = Integer.parseInt(a.get("batch"));
        int n = Math.min(Integer.parseInt(a.get("limit")), train.count());
        int d = encoder.inputSize();
        float[] first = new float[batch * d];
        float[] second = new float[batch * d];
        float[] raw = new float[batch * d];
        long[] ids = new long[batch];
        double rate = Double.parseDouble(a.get("rate"));
        double replayRatio = Double.parseDouble(a.get("replay"));
        java.util.SplittableRandom idleRng = new java.util.SplittableRandom(seed ^ 0x1D1EL);
        long replaySteps = 0;
        long busy = 0;
        long start = System.nanoTime();
        double[] lastLoss = {Double.NaN};
        java.util.function.Consumer<io.contrastream.model.train.StepStats> onStep = st -> {
            lastLoss[0] = st.loss();
            long step = trainer.learner().step();
            if (!st.skipped()) warmUp.observe(st.loss());
            if (firstServed[0] < 0 && warmUp.over(step)) firstServed[0] = step;
            if (compat.weight() > 0 && firstServed[0] >= 0 && (step - firstServed[0]) % every == 0) {
                var served = trainer.snapshot(step);
                compat.anchor(served.config(), served.weights(), step);
            }
        };
        for (int from = 0; from + batch <= n; from += batch) {   // a trailing partial batch is left out, as a timeout would
            long due = start + (long) ((from + batch) / rate * 1e9);   // rate 0: due at once, the unpaced study
            while (rate > 0 && System.nanoTime() < due) {
                if (trainer.replay().size() == 0) {
                    Thread.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000));
                    continue;
                }
                long t = System.nanoTime();
                onStep.accept(trainer.replayStep(batch, idleRng));
                busy += System.nanoTime() - t;
                replaySteps++;
            }
            long t = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                float[] x = train.item(from + i);
                TwoViews pair = Augmenters.twoViews(augmenter, x, Augmenters.rngFor(seed, "train:" + (from + i)));
                System.arraycopy(pair.first(), 0, first, i * d, d);
                System.arraycopy(pair.second(), 0, second, i * d, d);
                System.arraycopy(x, 0, raw, i * d, d);
                ids[i] = SampleIds.of("train:" + (from + i));
            }
            trainer.onBatch(first, second, raw, ids, batch, onStep);
            if (rate > 0 && replayRatio == 0) trainer.replay().add(raw, ids, batch);   // with a ratio, onBatch adds it
            busy += System.nanoTime() - t;
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double lag = rate > 0 ? Math.max(0, trainSeconds - (n - n % batch) / rate) : 0;
        var snapshot = trainer.snapshot(1);
        int[] ytr = labels(trainLabels);
        int[] yte = labels(testLabels);
        int classes = java.util.Arrays.stream(ytr).max().orElse(0) + 1;
        String scores = scores(snapshot.frozen(), train, test, ytr, yte, classes, Boolean.parseBoolean(a.get("probe")));
        String random = Boolean.parseBoolean(a.get("random"))
                ? "{" + scores(FrozenEncoder.random(encoder, snapshot.input()), train, test, ytr, yte, classes, true) + "}" : "null";
        float[][] xte = snapshot.frozen().embed(rows(test));
        StringBuilder knobs = new StringBuilder();
        a.forEach((k, v) -> knobs.append(knobs.length() == 0 ? "" : ", ").append('"').append(k).append("\": \"").append(v).append('"'));
        System.out.printf("{%s, \"random\": %s, \"steps\": %d, \"skipped\": %d, "
                        + "\"last_loss\": %.4f, \"train_seconds\": %.1f, \"busy_seconds\": %.1f, \"replay_steps\": %d, "
                        + "\"lag_seconds\": %.1f, \"samples\": %d, \"collapse_std\": %.4f, \"first_served\": %d, \"args\": {%s}}%n",
                scores, random, trainer.learner().step(), trainer.learner().skippedSteps(), lastLoss[0],
                trainSeconds, busy / 1e9, replaySteps, lag, n, io.contrastream.model.drift.HealthMetrics.collapseStd(xte), firstServed[0], knobs);
    }

    /** "knn200": .., "knn20": .., "linear_probe": .. (null without the probe) of an encoder's features. */
    private static String scores(FrozenEncoder f, Idx.Tensor train, Idx.Tensor test, int[] ytr, int[] yte, int classes, boolean probe) {
        float[][] xtr = f.embed(rows(train));
        float[][] xte = f.embed(rows(test));
        double[] knn = Evaluation.knn(xtr, ytr, xte, yte, classes, new int[] {200, 20}, 0.07);
        String p = probe ? String.format("%.2f", 100 * Evaluation.linearProbe(xtr, ytr, xte, yte, classes, 30, 1)) : "null";
        return String.format("\"knn200\": %.2f, \"knn20\": %.2f, \"linear_probe\": %s", 100 * knn[0], 100 * knn[1], p);
    }

    private static float[][] rows(Idx.Tensor t) {
        float[][] out = new float[t.count()][];
        for (int i = 0; i < out.length; i++) out[i] = t.item(i);
        return out;
    }

    private static int[] labels(Idx.Tensor t) {
        int[] y = new int[t.count()];
        for (int i = 0; i < y.length; i++) y[i] = (int) t.values()[i];
        return y;
    }
}
