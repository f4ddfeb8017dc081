package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.data.Standardization;
import io.contrastream.model.data.SyntheticStream;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import org.junit.jupiter.api.Test;

/**
 * Features on scales from 0.01 to 1,000, as in real tabular data: the learner standardises them by the stream's
 * running moments, the snapshot carries the transform, and what it learns then beats a random encoder behind the same
 * transform. Without it, the largest features drown the rest and training learns next to nothing.
 */
class StandardizationTest {

    static final int DIM = 32;

    private static float[] scaled(float[] v) {
        float[] out = v.clone();
        for (int j = 0; j < DIM; j++) out[j] = (float) (out[j] * Math.pow(10, j % 6 - 2) + 3 * j);   // 0.01 .. 1,000, off-centre
        return out;
    }

    private static OnlineTrainer train(boolean standardize, int steps, int batch, SyntheticStream stream, EncoderConfig encoder) {
        Learner learner = new Learner(encoder, new LearnerConfig(4096, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 0,
                QueueHygiene.defaults(), LearnerConfig.Debiasing.NONE, LearnerConfig.Method.MOCO));
        var augmenter = Augmenters.forShape(new int[] {DIM}, AugmentConfig.defaults());
        OnlineTrainer t = new OnlineTrainer(learner, 0, new ReplayBuffer(1, DIM, 1), augmenter, 42);
        if (standardize) t.standardizing();
        float[] raw = new float[batch * DIM];
        long next = 0;
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < batch; i++, next++) System.arraycopy(scaled(stream.example(next).values()), 0, raw, i * DIM, DIM);
            // Views made upstream know nothing of the scales; with standardisation the trainer makes its own.
            float[] first = new float[batch * DIM];
            float[] second = new float[batch * DIM];
            for (int i = 0; i < batch; i++) {
                var p = Augmenters.twoViews(augmenter, java.util.Arrays.copyOfRange(raw, i * DIM, (i + 1) * DIM), new java.util.SplittableRandom(next + i));
                System.arraycopy(p.first(), 0, first, i * DIM, DIM);
                System.arraycopy(p.second(), 0, second, i * DIM, DIM);
            }
            t.onBatch(first, second, raw, null, batch, st -> {});
        }
        return t;
    }

    @Test
    void theSnapshotCarriesTheStreamsMomentsAndEmbeddingAppliesThem() {
        SyntheticStream stream = new SyntheticStream(DIM, 8, -1, 7);
        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {DIM}, new int[] {64}, 32, 32, 32, 7);
        Snapshot s = train(true, 5, 64, stream, encoder).snapshot(1);
        Standardization z = s.input();
        assertNotNull(z);
        double mean = 0;
        for (int i = 0; i < 320; i++) mean += scaled(stream.example(i).values())[5] / 320.0;
        assertEquals(mean, z.mean()[5], 1e-3 * Math.abs(mean) + 1e-3);
        float[] rows = new float[3 * DIM];
        for (int i = 0; i < 3; i++) System.arraycopy(scaled(stream.example(10_000 + i).values()), 0, rows, i * DIM, DIM);
        float[][] served = s.frozen().embed(rows, 3);
        float[][] byHand = new FrozenEncoder(encoder, s.weights()).embed(z.apply(rows, 3), 3);
        for (int i = 0; i < 3; i++) assertArrayEquals(byHand[i], served[i], 1e-6f);
        assertEquals(null, train(false, 1, 8, stream, encoder).snapshot(1).input(), "off: nothing to apply");
    }

    @Test
    void behindTheTransformTheLearnerBeatsARandomEncoderOnBadlyScaledFeatures() {
        SyntheticStream stream = new SyntheticStream(DIM, 8, -1, 42);
        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {DIM}, new int[] {128}, 64, 64, 64, 42);
        Snapshot s = train(true, 150, 128, stream, encoder).snapshot(1);
        int bank = 2000;
        int n = bank + 500;
        float[] flat = new float[n * DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            SyntheticStream.Example e = stream.example(1_000_000_000L + i);
            System.arraycopy(scaled(e.values()), 0, flat, i * DIM, DIM);
            y[i] = e.label();
        }
        double trained = OnlineLearningTest.knn(s.frozen().embed(flat, n), y, bank);
        double random = OnlineLearningTest.knn(FrozenEncoder.random(encoder, s.input()).embed(flat, n), y, bank);
        System.out.printf("badly scaled features, kNN-20: random (standardised) %.3f, trained %.3f%n", random, trained);
        assertTrue(trained > random + 0.02, "trained " + trained + " vs random " + random);
    }
}
