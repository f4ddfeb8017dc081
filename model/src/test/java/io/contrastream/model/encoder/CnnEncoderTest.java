package io.contrastream.model.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.Snapshot;
import io.contrastream.model.train.StepStats;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CnnEncoderTest {

    static final EncoderConfig CNN = new EncoderConfig(EncoderConfig.Architecture.CNN, new int[] {2, 8, 8},
            new int[] {4, 8}, 16, 16, 8, 3);

    static float[] images(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 2 * 8 * 8];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        return x;
    }

    @Test
    void aCnnLearnerTrainsOnImagesAndItsSnapshotEmbedsThem() {
        trainsAndEmbeds(CNN, new LearnerConfig(32, 0.2, 0.99, LearnerConfig.Optimizer.SGD, 0.01, 0));
    }

    /** With batch norm, Adam and weight decay: serving normalises with running statistics, so rows still do not interact. */
    @Test
    void aBatchNormalisedCnnLearnerTrainsAndItsSnapshotEmbedsRowsApart() {
        trainsAndEmbeds(CNN.withConvBatchNorm(true), new LearnerConfig(32, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 1e-4));
    }

    private static void trainsAndEmbeds(EncoderConfig cnn, LearnerConfig config) {
        Learner learner = new Learner(cnn, config);
        for (int s = 0; s < 3; s++) {
            StepStats stats = learner.step(images(s, 4), images(s + 100, 4), 4);
            assertTrue(Double.isFinite(stats.loss()));
        }
        Snapshot snap = learner.snapshot(1);
        FrozenEncoder encoder = new FrozenEncoder(EncoderConfig.fromJson(snap.config().toJson()), snap.weights());
        float[][] e = encoder.embed(images(7, 5), 5);
        assertEquals(5, e.length);
        assertEquals(16, e[0].length);
        // Embedding one image alone gives the same vector as inside a batch: rows do not interact.
        float[] first = new float[2 * 8 * 8];
        System.arraycopy(images(7, 5), 0, first, 0, first.length);
        assertArrayEquals(e[0], encoder.embed(first, 1)[0], 1e-5f);
    }

    @Test
    void embeddingADatasetReportsTheRowsDoneAfterEachChunk() {
        FrozenEncoder encoder = FrozenEncoder.random(CNN);
        float[] flat = images(3, 300);
        float[][] rows = new float[300][];
        for (int i = 0; i < rows.length; i++) rows[i] = java.util.Arrays.copyOfRange(flat, i * 128, (i + 1) * 128);
        java.util.List<Long> done = new java.util.ArrayList<>();
        float[][] e = encoder.embed(rows, null, done::add);
        assertEquals(java.util.List.of(256L, 300L), done, "a CNN embeds in chunks of 256");
        assertArrayEquals(encoder.embed(rows)[299], e[299], 0f);
    }

    @Test
    void theCnnNeedsAChannelsHeightWidthShape() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new EncoderConfig(
                EncoderConfig.Architecture.CNN, new int[] {64}, new int[0], 8, 8, 8, 1));
        assertEquals("the CNN encoder needs an input shape [C,H,W], got [64]", ex.getMessage());
        assertEquals(EncoderConfig.Architecture.CNN, EncoderConfig.defaultArchitecture(new int[] {1, 28, 28}));
        assertEquals(EncoderConfig.Architecture.MLP, EncoderConfig.defaultArchitecture(new int[] {784}));
    }

    @Test
    void theConfigSurvivesItsJsonForm() {
        assertEquals(CNN, EncoderConfig.fromJson(CNN.toJson()));
    }
}
