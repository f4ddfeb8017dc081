package io.contrastream.tools.bench;

import static io.contrastream.tools.bench.StudyArgs.*;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.data.Idx;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.eval.Evaluation;
import io.contrastream.model.serve.WarmUp;
import io.contrastream.model.train.Compatibility;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.MultiCrop;
import io.contrastream.model.train.OnlineTrainer;
import io.contrastream.model.train.QueueHygiene;
import io.contrastream.model.train.ReplayBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One pass of a labelled IDX train split, in file order, through the learner exactly as the job trains it (same
 * augmentation seeding, {@link OnlineTrainer} with replay), without Kafka or Flink, then kNN-200 / kNN-20 (and
 * optionally the linear probe) on the test split. It isolates the learner's sensitivity to its knobs from the
 * pipeline: {@code StreamStudy key=value ...}, keys as in {@link StudyArgs#STREAM} ({@code help} lists them). Prints one JSON line.
 *
 * <p>With {@code rate} > 0 the stream is paced: batch i is due when its last sample would have arrived at that many
 * samples/s, and until then the learner trains on replayed batches, as a deployment whose learner outruns its stream
 * could. Every method then gets the same wall-clock budget for the same stream: a cheaper step buys more steps.
 */
public final class StreamStudy {

    private StreamStudy() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        StudyArgs a = StudyArgs.parseOrExit("StreamStudy", StudyArgs.STREAM, args);
        StudyData data = StudyData.read(Path.of(a.get(DATA)), a.get(TRAIN), a.get(TRAIN_LABELS), a.get(TEST), a.get(TEST_LABELS));
        Idx.Tensor train = data.train();
        Idx.Tensor test = data.test();
        int[] shape = a.get(SHAPE).length == 0 ? train.itemShape() : a.get(SHAPE);
        long seed = a.get(SEED);
        EncoderConfig.Architecture arch = a.get(ARCH);
        EncoderConfig encoder = new EncoderConfig(arch, arch == EncoderConfig.Architecture.MLP ? new int[] {train.itemSize()} : shape,
                a.get(HIDDEN), a.get(EMBEDDING), a.get(PROJECTION), a.get(PROJECTION), seed, a.get(BN));
        LearnerConfig config = new LearnerConfig(a.get(QUEUE), a.get(TAU), a.get(M), LearnerConfig.Optimizer.ADAM, a.get(LR), 0,
                new QueueHygiene(a.get(MASK), a.get(MAXCOS), a.get(MAXAGE)),
                new LearnerConfig.Debiasing(a.get(PRIOR), a.get(HARDNESS)), a.get(METHOD));
        Augmenter augmenter = Augmenters.forShape(encoder.inputShape(), AugmentConfig.builder().strength(a.get(STRENGTH))
                .cropMinArea(a.get(CROP)).flipProb(a.get(FLIP)).timeCropMinFraction(a.get(TCROP)).timeWarpMax(a.get(WARP)).build());
        double replayRatio = a.get(REPLAY);
        OnlineTrainer trainer = new OnlineTrainer(new Learner(encoder, config), replayRatio,
                new ReplayBuffer(a.get(CAPACITY), encoder.inputSize(), seed), augmenter, seed);
        if (a.get(STANDARDIZE)) trainer.standardizing();
        if (a.get(LOCALS) > 0) trainer.multiCrop(new MultiCrop(a.get(LOCALS), a.get(LOCAL_SCALE).min(), a.get(LOCAL_SCALE).max()));
        // The feed's compatibility term as the job runs it: anchored on the version served at step firstserve, and
        // re-anchored on every version published after it (every N steps).
        Compatibility compat = new Compatibility(a.get(COMPAT));
        trainer.learner().compatibility(compat);
        int every = a.get(EVERY);
        WarmUp warmUp = new WarmUp(a.get(STREAM_FIRST_SERVE), a.get(MAX_WARM), a.get(PLATEAU), a.get(WINDOW));
        long[] firstServed = {-1};

        int batch = a.get(STREAM_BATCH);
        int n = Math.min(a.get(LIMIT), train.count());
        StudyData.Pairs pairs = new StudyData.Pairs(batch, encoder.inputSize());
        double rate = a.get(RATE);
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
            pairs.fill(train, from, batch, augmenter, seed);
            trainer.onBatch(pairs.first, pairs.second, pairs.raw, pairs.ids, batch, onStep);
            if (rate > 0 && replayRatio == 0) trainer.replay().add(pairs.raw, pairs.ids, batch);   // with a ratio, onBatch adds it
            busy += System.nanoTime() - t;
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double lag = rate > 0 ? Math.max(0, trainSeconds - (n - n % batch) / rate) : 0;
        var snapshot = trainer.snapshot(1);
        int[] ytr = data.trainLabels();
        int[] yte = data.testLabels();
        int classes = java.util.Arrays.stream(ytr).max().orElse(0) + 1;
        String scores = scores(snapshot.frozen(), train, test, ytr, yte, classes, a.get(PROBE));
        String random = a.get(RANDOM)
                ? "{" + scores(FrozenEncoder.random(encoder, snapshot.input()), train, test, ytr, yte, classes, true) + "}" : "null";
        float[][] xte = snapshot.frozen().embed(StudyData.rows(test, test.count()));
        System.out.printf("{%s, \"random\": %s, \"steps\": %d, \"skipped\": %d, "
                        + "\"last_loss\": %.4f, \"train_seconds\": %.1f, \"busy_seconds\": %.1f, \"replay_steps\": %d, "
                        + "\"lag_seconds\": %.1f, \"samples\": %d, \"collapse_std\": %.4f, \"first_served\": %d, \"args\": {%s}}%n",
                scores, random, trainer.learner().step(), trainer.learner().skippedSteps(), lastLoss[0],
                trainSeconds, busy / 1e9, replaySteps, lag, n, io.contrastream.model.drift.HealthMetrics.collapseStd(xte), firstServed[0], knobs(a));
    }

    /** "key": "value", ... of every key used, the given values as given: the "args" of the printed line. */
    static String knobs(StudyArgs a) {
        StringBuilder knobs = new StringBuilder();
        a.used().forEach((k, v) -> knobs.append(knobs.length() == 0 ? "" : ", ").append('"').append(k).append("\": \"").append(v).append('"'));
        return knobs.toString();
    }

    /** "knn200": .., "knn20": .., "linear_probe": .. (null without the probe) of an encoder's features. */
    private static String scores(FrozenEncoder f, Idx.Tensor train, Idx.Tensor test, int[] ytr, int[] yte, int classes, boolean probe) {
        float[][] xtr = f.embed(StudyData.rows(train, train.count()));
        float[][] xte = f.embed(StudyData.rows(test, test.count()));
        double[] knn = Evaluation.knn(xtr, ytr, xte, yte, classes, new int[] {200, 20}, 0.07);
        String p = probe ? String.format("%.2f", 100 * Evaluation.linearProbe(xtr, ytr, xte, yte, classes, 30, 1)) : "null";
        return String.format("\"knn200\": %.2f, \"knn20\": %.2f, \"linear_probe\": %s", 100 * knn[0], 100 * knn[1], p);
    }
}
