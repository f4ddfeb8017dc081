package io.contrastream.tools.bench;

import static io.contrastream.tools.bench.StudyArgs.*;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.data.Idx;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.eval.FeedScore;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.Compatibility;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.tools.bench.StudyArgs.Serve;
import io.contrastream.tools.bench.StudyArgs.Target;
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
        StudyArgs a = StudyArgs.parseOrExit("FeedStudy", StudyArgs.FEED, args);
        StudyData data = StudyData.read(Path.of(a.get(DATA)), TRAIN.defaultValue(), TRAIN_LABELS.defaultValue(),
                TEST.defaultValue(), TEST_LABELS.defaultValue());
        Idx.Tensor train = data.train();
        long seed = a.get(SEED);
        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.CNN, train.itemShape(), Encoders.defaultConvFilters(),
                EMBEDDING.defaultValue(), PROJECTION.defaultValue(), PROJECTION.defaultValue(), seed);
        ServingSpace.Mechanism mechanism = a.get(MECHANISM);
        Learner learner = new Learner(encoder, LearnerConfig.defaults());
        Compatibility compat = new Compatibility(mechanism.trains() ? a.get(LAMBDA) : 0);
        learner.compatibility(compat);
        ServingSpace space = new ServingSpace(mechanism, JobParams.ANCHOR_SAMPLES.defaultValue(), encoder.inputSize(), "study");
        if (a.get(TARGET) == Target.MEAN) space.alignToMean();
        Augmenter augmenter = Augmenters.forShape(encoder.inputShape(), AugmentConfig.defaults());

        int batch = a.get(FEED_BATCH);
        int every = a.get(EVERY);
        int serveEvery = a.get(SERVE_EVERY);
        int n = Math.min(a.get(FEED_LIMIT), train.count());
        StudyData.Pairs pairs = new StudyData.Pairs(batch, encoder.inputSize());
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
            }
            pairs.fill(train, from, b, augmenter, seed);
            space.offer(pairs.raw, b);
            learner.step(pairs.first, pairs.second, pairs.ids, b);
            boolean last = from + b >= n;
            if (learner.step() % every == 0 || last) {
                Snapshot s = a.get(SERVE) == Serve.KEY ? learner.keySnapshot(++snapshots) : learner.snapshot(++snapshots);
                if (a.get(SERVE) == Serve.AVERAGE) {   // Polyak: the mean of every snapshot's weights so far
                    if (weightSum == null) weightSum = new double[s.weights().length];
                    float[] avg = new float[weightSum.length];
                    for (int j = 0; j < avg.length; j++) avg[j] = (float) ((weightSum[j] += s.weights()[j]) / snapshots);
                    s = new Snapshot(s.version(), s.step(), s.config(), avg);
                }
                boolean warm = learner.step() >= a.get(FEED_FIRST_SERVE);
                if ((served.isEmpty() && warm) || (!served.isEmpty() && snapshots % serveEvery == 0) || last) {
                    served.add(space.serve(s, compat));
                    for (int i : waiting) servedIndexOf[i] = served.size() - 1;
                    waiting.clear();
                }
            }
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        Idx.Tensor test = data.test();
        FeedScore.Result r = FeedScore.score(served, StudyData.rows(train, n), java.util.Arrays.copyOf(data.trainLabels(), n),
                StudyData.rows(test, test.count()), data.testLabels(),
                null, servedIndexOf, 10);
        System.out.printf("{\"mechanism\": \"%s\", \"args\": \"%s\", \"steps\": %d, \"versions_served\": %d, \"train_seconds\": %.1f, \"score\": %s}%n",
                mechanism, a.used(), learner.step(), served.size(), trainSeconds, r.json());
    }
}
