package io.contrastream.tools.bench;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.model.data.Idx;
import io.contrastream.model.drift.Adwin;
import io.contrastream.model.drift.DriftAlarms;
import io.contrastream.model.drift.DriftAnalyzer;
import io.contrastream.model.drift.Mmd;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.LearnerState;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.SampleIds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * The drift benchmark (issue 6): Fashion-MNIST streams with shifts injected at a known sample, and stationary streams
 * of the same length, run through the learner and the drift detectors exactly as the job's drift operator runs them
 * (job defaults: window 1000, reservoir 256, 100 permutations, α 0.01 confirmed over 2 windows, Page-Hinkley on the
 * loss and the collapse std, a new encoder version every 20 learner steps of batch 128), without Kafka or Flink.
 * Baselines on the same windows: ADWIN on the loss alone, and the same confirmed MMD test on raw pixels. The
 * drift operator's cost is its time per window against the learner's steps plus embedding every sample of the window.
 * Prints one JSON object. {@code DriftBench [dataDir] [seed]}.
 */
public final class DriftBench {

    static final int WINDOW = 1000;
    static final int RESERVOIR = 256;
    static final int PERMUTATIONS = 100;
    static final int WINDOWS = 40;
    static final int SHIFT_WINDOW = 25;
    static final int BATCH = 128;
    static final int SNAPSHOT_EVERY = 20;
    static final int PRETRAIN = 10_000;

    /** A scenario: which pool images may appear before and after the shift, and how an image changes after it. */
    record Scenario(String name, IntPredicate before, IntPredicate after, double afterShare, boolean corrupt) {}

    private DriftBench() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path dir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist/");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        Idx.Tensor images = Idx.read(dir.resolve("train-images-idx3-ubyte.gz"), true);
        Idx.Tensor labelFile = Idx.read(dir.resolve("train-labels-idx1-ubyte.gz"), false);
        int[] labels = new int[labelFile.count()];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) labelFile.values()[i];

        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.CNN, images.itemShape(), Encoders.defaultConvFilters(), 128, 128, 128, seed);
        Augmenter augmenter = Augmenters.forShape(encoder.inputShape(), AugmentConfig.defaults());
        Learner pre = new Learner(encoder, LearnerConfig.defaults());
        long t0 = System.nanoTime();
        for (int from = 0; from + BATCH <= PRETRAIN; from += BATCH) train(pre, images, from, java.util.stream.IntStream.range(from, from + BATCH).toArray(), augmenter, seed, false);
        System.err.printf("pre-trained on %,d images in %.0f s%n", PRETRAIN, (System.nanoTime() - t0) / 1e9);
        byte[] pretrained = LearnerState.save(pre);

        List<Scenario> scenarios = List.of(
                new Scenario("class_mix", c -> true, c -> c <= 1, 0.8, false),
                new Scenario("brightness_contrast", c -> true, c -> true, 1.0, true),
                new Scenario("new_classes", c -> c < 8, c -> c >= 8, 0.2, false),
                new Scenario("stationary_1", c -> true, null, 0, false),
                new Scenario("stationary_2", c -> true, null, 0, false),
                new Scenario("stationary_3", c -> true, null, 0, false));
        StringBuilder json = new StringBuilder("{\"window_size\": " + WINDOW + ", \"windows_per_stream\": " + WINDOWS
                + ", \"shift_at_sample\": " + SHIFT_WINDOW * WINDOW + ", \"pretrain_samples\": " + PRETRAIN + ", \"scenarios\": [");
        int[] stationaryAlarms = new int[3];   // ours, loss-only, raw-pixel MMD
        int stationaryWindows = 0;
        double driftMs = 0;
        double trainMs = 0;
        for (int s = 0; s < scenarios.size(); s++) {
            Scenario sc = scenarios.get(s);
            Learner learner = new Learner(encoder, LearnerConfig.defaults());
            LearnerState.restore(learner, pretrained);
            int[] stream = stream(sc, labels, new SplittableRandom(seed + 1000L * s));
            Run run = run(sc, stream, images, learner, augmenter, seed + s);
            driftMs += run.driftMs;
            trainMs += run.trainMs;
            boolean stationary = sc.after() == null;
            if (stationary) {
                for (int d = 0; d < 3; d++) stationaryAlarms[d] += run.alarmWindows[d].size();
                stationaryWindows += WINDOWS - 1;   // window 0 is the reference
            }
            json.append(s == 0 ? "" : ", ").append(run.json(sc, stationary));
            System.err.println(sc.name() + ": " + run.json(sc, stationary));
        }
        json.append(String.format("], \"stationary_windows\": %d, \"false_alarms_per_100_windows\": %.2f, "
                        + "\"baselines\": {\"adwin_loss\": {\"false_alarms_per_100_windows\": %.2f}, "
                        + "\"mmd_raw_pixels\": {\"false_alarms_per_100_windows\": %.2f}}, "
                        + "\"drift_ms_per_window\": %.1f, \"pipeline_ms_per_window\": %.1f, \"drift_cost_fraction\": %.3f}",
                stationaryWindows, 100.0 * stationaryAlarms[0] / stationaryWindows, 100.0 * stationaryAlarms[1] / stationaryWindows,
                100.0 * stationaryAlarms[2] / stationaryWindows, driftMs / (scenarios.size() * WINDOWS),
                trainMs / (scenarios.size() * WINDOWS), driftMs / (driftMs + trainMs)));   // trainMs: learner steps + embedding every sample
        System.out.println(json);
    }

    /** Pool indices (the images after the pre-training ones) for one stream: before the shift, then after it. */
    static int[] stream(Scenario sc, int[] labels, SplittableRandom rng) {
        int[] out = new int[WINDOWS * WINDOW];
        for (int i = 0; i < out.length; i++) {
            boolean shifted = sc.after() != null && i >= SHIFT_WINDOW * WINDOW;
            IntPredicate allowed = shifted && rng.nextDouble() < sc.afterShare() ? sc.after() : sc.before();
            int j;
            do j = PRETRAIN + rng.nextInt(labels.length - PRETRAIN); while (!allowed.test(labels[j]));
            out[i] = j;
        }
        return out;
    }

    /** What one stream gave: alarm windows per detector family (ours, loss-only, raw MMD) and the time spent. */
    static final class Run {
        final List<List<Integer>> alarms = new ArrayList<>();
        @SuppressWarnings("unchecked") final List<Integer>[] alarmWindows = new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>()};
        final List<String> firedBy = new ArrayList<>();
        double driftMs;
        double trainMs;

        String json(Scenario sc, boolean stationary) {
            StringBuilder b = new StringBuilder("{\"name\": \"" + sc.name() + "\", \"window_size\": " + WINDOW + ", \"shifted\": " + !stationary);
            String[] keys = {"", "adwin_loss_", "mmd_raw_pixels_"};
            for (int d = 0; d < 3; d++) {
                Integer first = stationary ? null : alarmWindows[d].stream().filter(w -> w >= SHIFT_WINDOW).findFirst().orElse(null);
                long before = alarmWindows[d].stream().filter(w -> stationary || w < SHIFT_WINDOW).count();
                b.append(String.format(", \"%sdetected\": %s, \"%sdelay_samples\": %s, \"%sfalse_alarms\": %d", keys[d],
                        first != null, keys[d], first == null ? "null" : Integer.toString((first + 1 - SHIFT_WINDOW) * WINDOW), keys[d], before));
            }
            return b.append(", \"alarm_windows\": ").append(alarmWindows[0]).append(", \"detectors\": ")
                    .append(firedBy.stream().map(f -> "\"" + f + "\"").toList()).append('}').toString();
        }
    }

    static Run run(Scenario sc, int[] stream, Idx.Tensor images, Learner learner, Augmenter augmenter, long seed) {
        Run run = new Run();
        DriftAnalyzer analyzer = new DriftAnalyzer(RESERVOIR, PERMUTATIONS, seed);
        DriftAlarms ours = DriftAlarms.defaults(0.01, 2);
        Adwin lossOnly = new Adwin(0.002, 5);
        DriftAlarms rawMmd = DriftAlarms.defaults(0.01, 2);
        FrozenEncoder frozen = new FrozenEncoder(learner.encoderConfig(), learner.snapshot(0).weights());
        long published = learner.step();
        float[][] reference = null;
        for (int w = 0; w < WINDOWS; w++) {
            int[] ids = java.util.Arrays.copyOfRange(stream, w * WINDOW, (w + 1) * WINDOW);
            boolean shifted = sc.corrupt() && w >= SHIFT_WINDOW;
            long t = System.nanoTime();
            double loss = 0;
            int steps = 0;
            for (int from = 0; from + BATCH <= WINDOW; from += BATCH) {
                loss += train(learner, images, w * WINDOW + from, java.util.Arrays.copyOfRange(ids, from, from + BATCH), augmenter, seed, shifted);
                steps++;
                if (learner.step() - published >= SNAPSHOT_EVERY) {
                    frozen = new FrozenEncoder(learner.encoderConfig(), learner.snapshot(0).weights());
                    published = learner.step();
                }
            }
            float[][] rows = new float[WINDOW][];
            for (int i = 0; i < WINDOW; i++) rows[i] = image(images, ids[i], shifted);
            frozen.embed(rows);   // the embed operator's work: every sample of the window
            run.trainMs += (System.nanoTime() - t) / 1e6;
            float[][] sample = DriftAnalyzer.subsample(rows, RESERVOIR, seed * 31 + w);   // the operator's reservoir
            if (reference == null) {
                reference = sample;
                continue;
            }
            t = System.nanoTime();
            DriftAnalyzer.WindowMetrics m = analyzer.analyze(frozen.embed(sample), frozen.embed(reference), w);
            DriftAlarms.Decision d = ours.judge(m.mmdPValue(), loss / steps, null, m.collapseStd());
            run.driftMs += (System.nanoTime() - t) / 1e6;
            if (d.alarm()) {
                run.alarmWindows[0].add(w);
                run.firedBy.add(w + ":" + d.detectors());
            }
            if (lossOnly.add(loss / steps)) run.alarmWindows[1].add(w);
            double rawP = Mmd.test(sample, reference, PERMUTATIONS, RESERVOIR, seed + w).pValue();
            if (rawMmd.judge(rawP, null, null, null).alarm()) run.alarmWindows[2].add(w);
        }
        return run;
    }

    /** One learner step on the given images (as the job: each sample's views seeded by its id); returns the loss. */
    static double train(Learner learner, Idx.Tensor images, int position, int[] ids, Augmenter augmenter, long seed, boolean corrupt) {
        int d = learner.encoderConfig().inputSize();
        float[] first = new float[ids.length * d];
        float[] second = new float[ids.length * d];
        long[] sampleIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            String id = "drift:" + (position + i);
            TwoViews pair = Augmenters.twoViews(augmenter, image(images, ids[i], corrupt), Augmenters.rngFor(seed, id));
            System.arraycopy(pair.first(), 0, first, i * d, d);
            System.arraycopy(pair.second(), 0, second, i * d, d);
            sampleIds[i] = SampleIds.of(id);
        }
        return learner.step(first, second, sampleIds, ids.length).loss();
    }

    /** An image in [0, 1]; corrupted: contrast halved and brightness raised, x ↦ 0.5x + 0.25. */
    static float[] image(Idx.Tensor images, int index, boolean corrupt) {
        float[] x = images.item(index);
        if (corrupt) for (int i = 0; i < x.length; i++) x[i] = 0.5f * x[i] + 0.25f;
        return x;
    }
}
