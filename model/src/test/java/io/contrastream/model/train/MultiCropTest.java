package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.encoder.EncoderConfig;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiCropTest {

    static final int SIDE = 12;
    static final int D = SIDE * SIDE;
    static final EncoderConfig CNN = new EncoderConfig(EncoderConfig.Architecture.CNN, new int[] {1, SIDE, SIDE},
            new int[] {4, 8}, 16, 16, 16, 3);
    static final LearnerConfig MOCO = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 3e-3, 0);

    /** n images, each a random 3×3 grid of on/off cells 4 px a side plus noise: crops of one image share its layout. */
    static float[] images(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            int cells = rng.nextInt(1, 511);   // neither all off nor all on
            for (int y = 0; y < SIDE; y++) {
                for (int w = 0; w < SIDE; w++) {
                    boolean on = (cells >> (y / 4 * 3 + w / 4) & 1) == 1;
                    x[i * D + y * SIDE + w] = (on ? 1f : 0f) + (float) (0.1 * rng.nextGaussian());
                }
            }
        }
        return x;
    }

    static OnlineTrainer trainer(long seed, MultiCrop m) {
        Augmenter a = Augmenters.forShape(new int[] {1, SIDE, SIDE}, AugmentConfig.defaults());
        OnlineTrainer t = new OnlineTrainer(new Learner(CNN, MOCO), 1, new ReplayBuffer(64, D, seed), a, seed);
        return m == null ? t : t.multiCrop(m);
    }

    /** Stream batches of 16 cycling over the 64 images, each followed by one replayed step; the losses, step by step. */
    static double[] train(OnlineTrainer t, int batches) {
        float[] x = images(64);
        double[] losses = new double[2 * batches];
        int[] at = {0};
        for (int s = 0; s < batches; s++) {
            int from = (s % 4) * 16;
            float[] raw = Arrays.copyOfRange(x, from * D, (from + 16) * D);
            long[] ids = new long[16];
            for (int i = 0; i < 16; i++) ids[i] = SampleIds.of("img:" + (from + i));
            float[] first = new float[16 * D];
            float[] second = new float[16 * D];
            for (int i = 0; i < 16; i++) {
                var p = Augmenters.twoViews(images(), Arrays.copyOfRange(raw, i * D, (i + 1) * D),
                        Augmenters.rngFor(1, "img:" + (from + i)));
                System.arraycopy(p.first(), 0, first, i * D, D);
                System.arraycopy(p.second(), 0, second, i * D, D);
            }
            t.onBatch(first, second, raw, ids, 16, st -> losses[at[0]++] = st.loss());
        }
        return Arrays.copyOf(losses, at[0]);
    }

    /** The global views' augmenter: the defaults for a 1×12×12 image. */
    private static Augmenter images() {
        return Augmenters.forShape(new int[] {1, SIDE, SIDE}, AugmentConfig.defaults());
    }

    @Test
    void localCropsAreSeededPerSampleAndDifferFromEachOther() {
        MultiCrop m = new MultiCrop(2, 0.2, 0.5);
        Augmenter local = m.localAugmenter(images());
        float[] x = Arrays.copyOf(images(1), D);
        float[] a = new float[2 * 3 * D];
        float[] b = new float[2 * 3 * D];
        m.crops(local, x, new SplittableRandom(9), a, 1, 3);
        m.crops(local, x, new SplittableRandom(9), b, 1, 3);
        assertArrayEquals(a, b, "same generator, same crops");
        float[] crop0 = Arrays.copyOfRange(a, D, 2 * D);         // crop 0, row 1 of 3
        float[] crop1 = Arrays.copyOfRange(a, 4 * D, 5 * D);     // crop 1, row 1 of 3
        assertFalse(Arrays.equals(crop0, crop1), "the generator advances between crops");
        assertFalse(Arrays.equals(crop0, new float[D]), "row 1 of crop 0 was written");
        assertArrayEquals(new float[D], Arrays.copyOfRange(a, 0, D), "row 0 was not this sample's");
    }

    @Test
    void identicalTrainersTrainIdenticallyAndTheLocalCropsChangeTheSteps() {
        MultiCrop m = new MultiCrop(2, 0.2, 0.5);
        OnlineTrainer a = trainer(11, m);
        OnlineTrainer b = trainer(11, m);
        train(a, 3);
        train(b, 3);
        assertArrayEquals(a.learner().snapshot(1).weights(), b.learner().snapshot(1).weights(), "crops drawn by seed and step");
        OnlineTrainer plain = trainer(11, null);
        train(plain, 3);
        assertFalse(Arrays.equals(a.learner().snapshot(1).weights(), plain.learner().snapshot(1).weights()));
    }

    @Test
    void localCropsEqualToTheQueryViewReduceToThePlainStep() {
        // The loss is the mean over the 1+L crops and the gradient of the copies sums back: the same step exactly.
        Learner plain = new Learner(CNN, MOCO);
        Learner multi = new Learner(CNN, MOCO);
        float[] x = images(16);
        for (int s = 0; s < 3; s++) {
            float[] v1 = LearnerTest.batch(s, 16, D);
            float[] locals = new float[2 * 16 * D];
            System.arraycopy(v1, 0, locals, 0, 16 * D);
            System.arraycopy(v1, 0, locals, 16 * D, 16 * D);
            StepStats p = plain.step(v1, x, null, 16);
            StepStats q = multi.step(v1, x, locals, 2, null, 16);
            assertEquals(p.loss(), q.loss(), 1e-5);
        }
        float[] wp = plain.snapshot(1).weights();
        float[] wm = multi.snapshot(1).weights();
        for (int i = 0; i < wp.length; i++) assertEquals(wp[i], wm[i], 1e-4f, "weight " + i);
        assertEquals(plain.queue().size(), multi.queue().size(), "only the global keys are queued");
    }

    @Test
    void theStepWithLocalCropsLowersTheLoss() {
        double[] loss = train(trainer(7, new MultiCrop(2, 0.2, 0.5)), 60);
        double early = Arrays.stream(loss, 8, 20).average().orElseThrow();   // queue full from step 4 (64 / 16)
        double late = Arrays.stream(loss, loss.length - 12, loss.length).average().orElseThrow();
        assertTrue(late < 0.85 * early, "loss " + early + " -> " + late);
    }

    @Test
    void otherMethodsAndNonImagesRefuseMultiCrop() {
        MultiCrop m = new MultiCrop(2, 0.2, 0.5);
        LearnerConfig simclr = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0, QueueHygiene.defaults(),
                LearnerConfig.Debiasing.NONE, LearnerConfig.Method.SIMCLR);
        Augmenter a = images();
        var e = assertThrows(IllegalArgumentException.class,
                () -> new OnlineTrainer(new Learner(CNN, simclr), 0, new ReplayBuffer(1, D, 1), a, 1).multiCrop(m));
        assertEquals("multi-crop is built for MoCo only, not SIMCLR", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.localAugmenter(Augmenters.forShape(new int[] {16}, AugmentConfig.defaults())));
        assertThrows(IllegalArgumentException.class, () -> new MultiCrop(2, 0.6, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new MultiCrop(0, 0.2, 0.5));
    }
}
