package io.contrastream.tools.bench;

import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.model.data.Idx;
import io.contrastream.model.train.SampleIds;
import java.io.IOException;
import java.nio.file.Path;

/** A study's labelled train and test splits, read from IDX files. */
record StudyData(Idx.Tensor train, int[] trainLabels, Idx.Tensor test, int[] testLabels) {

    static StudyData read(Path dir, String train, String trainLabels, String test, String testLabels) throws IOException {
        return new StudyData(Idx.read(dir.resolve(train), true), labels(Idx.read(dir.resolve(trainLabels), false)),
                Idx.read(dir.resolve(test), true), labels(Idx.read(dir.resolve(testLabels), false)));
    }

    /** The first n items of a split, one row each. */
    static float[][] rows(Idx.Tensor t, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = t.item(i);
        return out;
    }

    private static int[] labels(Idx.Tensor t) {
        int[] y = new int[t.count()];
        for (int i = 0; i < y.length; i++) y[i] = (int) t.values()[i];
        return y;
    }

    /** One batch of positive pairs, raw samples and ids, filled from the training split as the job's augment stage fills it. */
    static final class Pairs {
        final float[] first;
        final float[] second;
        final float[] raw;
        final long[] ids;
        private final int d;

        Pairs(int batch, int d) {
            this.d = d;
            first = new float[batch * d];
            second = new float[batch * d];
            raw = new float[batch * d];
            ids = new long[batch];
        }

        /** Training samples from..from+count-1, each augmented with the job's seeding by its id "train:index". */
        void fill(Idx.Tensor train, int from, int count, Augmenter augmenter, long seed) {
            for (int i = 0; i < count; i++) {
                float[] x = train.item(from + i);
                TwoViews pair = Augmenters.twoViews(augmenter, x, Augmenters.rngFor(seed, "train:" + (from + i)));
                System.arraycopy(pair.first(), 0, first, i * d, d);
                System.arraycopy(pair.second(), 0, second, i * d, d);
                System.arraycopy(x, 0, raw, i * d, d);
                ids[i] = SampleIds.of("train:" + (from + i));
            }
        }
    }
}
