package io.contrastream.pipeline.cli;

import io.contrastream.model.data.Idx;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.eval.Evaluation;
import io.contrastream.model.train.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A labelled dataset split read from IDX files, and the frozen-feature protocol used to score encoders on a
 * train/test pair: weighted kNN (cosine, k = 200 and 20, votes exp(cos/0.07), as in InstDisc / solo-learn) with the
 * train split as the bank, and a linear probe (multinomial logistic regression on z-scored features).
 */
public record LabelledSplit(int[] shape, float[][] rows, int[] labels) {

    static LabelledSplit readIdx(Path images, Path labels) throws IOException {
        Idx.Tensor x = Idx.read(images, true);
        Idx.Tensor y = Idx.read(labels, false);
        if (x.count() != y.count()) {
            throw new IllegalArgumentException(labels + ": " + y.count() + " labels for " + x.count() + " samples in " + images);
        }
        float[][] rows = new float[x.count()][];
        int[] ys = new int[x.count()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = x.item(i);
            ys[i] = (int) y.values()[i];
        }
        return new LabelledSplit(x.itemShape(), rows, ys);
    }

    int classes() {
        return Arrays.stream(labels).max().orElse(0) + 1;
    }

    /**
     * JSON with the snapshot's scores ({@code trained}) next to raw pixels and a randomly initialised encoder of the
     * same architecture, each {@code {"knn200", "knn20", "linear_probe"}} in percent on the test split.
     */
    public static String evaluate(Snapshot snapshot, LabelledSplit train, LabelledSplit test, int probeEpochs, long seed) {
        if (!Arrays.equals(train.shape, test.shape) || !Arrays.equals(train.shape, snapshot.config().inputShape())) {
            throw new IllegalArgumentException("shapes differ: train " + Arrays.toString(train.shape) + ", test "
                    + Arrays.toString(test.shape) + ", encoder " + Arrays.toString(snapshot.config().inputShape()));
        }
        int classes = Math.max(train.classes(), test.classes());
        String raw = scores("raw pixels", train.rows, train.labels, test.rows, test.labels, classes, probeEpochs, seed);
        EncoderConfig arch = snapshot.config();
        FrozenEncoder random = FrozenEncoder.random(arch, snapshot.input());
        String randomScores = scores("random encoder", random, train, test, classes, probeEpochs, seed);
        String trainedScores = scores("trained", snapshot.frozen(), train, test, classes, probeEpochs, seed);
        return String.format(Locale.ROOT, "{\"encoder_version\": %d, \"step\": %d, \"train_samples\": %d, \"test_samples\": %d, "
                        + "\"trained\": %s, \"raw_pixels\": %s, \"random_encoder\": %s, \"config\": %s}",
                snapshot.version(), snapshot.step(), train.rows.length, test.rows.length, trainedScores, raw, randomScores, arch.toJson());
    }

    /** The scores of {@code encoder}'s features of both splits, each split embedded under its own progress line. */
    private static String scores(String who, FrozenEncoder encoder, LabelledSplit train, LabelledSplit test, int classes,
                                 int probeEpochs, long seed) {
        float[][] xtr = Progress.track(who + ": embed train", train.rows.length, progress -> encoder.embed(train.rows, null, progress));
        float[][] xte = Progress.track(who + ": embed test", test.rows.length, progress -> encoder.embed(test.rows, null, progress));
        return scores(who, xtr, train.labels, xte, test.labels, classes, probeEpochs, seed);
    }

    /** The three scores of one kind of features, each phase under its own progress line (a probe counts samples × epochs). */
    private static String scores(String who, float[][] xtr, int[] ytr, float[][] xte, int[] yte, int classes, int probeEpochs, long seed) {
        double[] knn = Progress.track(who + ": kNN", xte.length,
                progress -> Evaluation.knn(xtr, ytr, xte, yte, classes, new int[] {200, 20}, 0.07, progress));
        double probe = Progress.track(who + ": linear probe", (long) probeEpochs * xtr.length,
                progress -> Evaluation.linearProbe(xtr, ytr, xte, yte, classes, probeEpochs, seed, progress));
        return String.format(Locale.ROOT, "{\"knn200\": %.2f, \"knn20\": %.2f, \"linear_probe\": %.2f}",
                100 * knn[0], 100 * knn[1], 100 * probe);
    }
}
