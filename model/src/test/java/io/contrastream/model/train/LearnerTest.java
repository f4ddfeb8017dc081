package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearnerTest {

    static final EncoderConfig MLP = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {16},
            new int[] {32}, 16, 16, 8, 42);
    static final LearnerConfig CONFIG = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0);

    static float[] batch(long seed, int rows, int dim) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    static float[] flat(org.nd4j.linalg.api.ndarray.INDArray a) {
        return org.nd4j.linalg.factory.Nd4j.toFlattened(a).toFloatVector();
    }

    @Test
    void keyEncoderFollowsTheQueryByMomentum() {
        Learner learner = new Learner(MLP, CONFIG);
        float[] key0 = flat(learner.objective().keyParams());
        assertArrayEquals(key0, flat(learner.queryParams()), "key starts as a copy of the query");
        learner.step(batch(1, 8, 16), batch(2, 8, 16), 8);
        float[] query1 = flat(learner.queryParams());
        float[] key1 = flat(learner.objective().keyParams());
        for (int i = 0; i < key1.length; i++) {
            assertEquals(0.9f * key0[i] + 0.1f * query1[i], key1[i], 1e-6f);
        }
    }

    @Test
    void eachStepEnqueuesItsKeysAndCountsTheStep() {
        Learner learner = new Learner(MLP, CONFIG);
        StepStats s = learner.step(batch(1, 8, 16), batch(2, 8, 16), 8);
        assertEquals(1, s.step());
        assertEquals(8, learner.queue().size());
        assertEquals(0.0, s.loss(), 1e-6, "no negatives yet: only the positive logit");
        StepStats t = learner.step(batch(3, 8, 16), batch(4, 8, 16), 8);
        assertTrue(t.loss() > 0, "with negatives the loss is positive");
        assertEquals(16, learner.queue().size());
    }

    @Test
    void savedStateContinuesExactlyLikeTheUninterruptedLearner() {
        Learner a = new Learner(MLP, CONFIG);
        for (int i = 0; i < 3; i++) a.step(batch(10 + i, 8, 16), batch(20 + i, 8, 16), 8);
        byte[] state = LearnerState.save(a);
        Learner b = new Learner(MLP, CONFIG);
        LearnerState.restore(b, state);
        a.step(batch(99, 8, 16), batch(98, 8, 16), 8);
        b.step(batch(99, 8, 16), batch(98, 8, 16), 8);
        assertEquals(a.step(), b.step());
        assertArrayEquals(a.snapshot(1).weights(), b.snapshot(1).weights());
        assertArrayEquals(flat(a.objective().keyParams()), flat(b.objective().keyParams()));
    }

    @Test
    void stateFromAnotherEncoderIsRefusedByName() {
        Learner a = new Learner(MLP, CONFIG);
        EncoderConfig wider = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {16}, new int[] {32}, 24, 16, 8, 42);
        Learner b = new Learner(wider, CONFIG);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LearnerState.restore(b, LearnerState.save(a)));
        assertTrue(e.getMessage().contains("embeddingDim\":16") && e.getMessage().contains("embeddingDim\":24"), e.getMessage());
    }

    @Test
    void aNonFiniteBatchIsSkippedAndKeepsTheWeights() {
        Learner learner = new Learner(MLP, CONFIG);
        learner.step(batch(1, 8, 16), batch(2, 8, 16), 8);
        float[] before = learner.snapshot(0).weights();
        float[] bad = batch(3, 8, 16);
        bad[5] = Float.NaN;
        StepStats s = learner.step(bad, batch(4, 8, 16), 8);
        assertTrue(s.skipped());
        assertEquals(1, learner.skippedSteps());
        assertArrayEquals(before, learner.snapshot(0).weights());
        assertEquals(8, learner.queue().size(), "a skipped step enqueues nothing");
    }

    @Test
    void theGuardScaleTravelsWithTheSavedState() {
        Learner a = new Learner(MLP, CONFIG);
        for (int i = 0; i < 4; i++) a.step(batch(10 + i, 8, 16), batch(20 + i, 8, 16), 8);
        Learner b = new Learner(MLP, CONFIG);
        LearnerState.restore(b, LearnerState.save(a));
        assertTrue(a.guard().scale() > 0);
        assertEquals(a.guard().scale(), b.guard().scale(), 0.0);
        assertEquals(a.guard().accepted(), b.guard().accepted());
    }

    @Test
    void weightDecayShrinksTheWeights() {
        LearnerConfig decaying = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.SGD, 0.1, 0.5);
        LearnerConfig plain = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.SGD, 0.1, 0);
        Learner a = new Learner(MLP, decaying);
        Learner b = new Learner(MLP, plain);
        for (int i = 0; i < 3; i++) {
            a.step(batch(30 + i, 8, 16), batch(40 + i, 8, 16), 8);
            b.step(batch(30 + i, 8, 16), batch(40 + i, 8, 16), 8);
        }
        double na = 0, nb = 0;
        for (float w : a.snapshot(0).weights()) na += w * w;
        for (float w : b.snapshot(0).weights()) nb += w * w;
        assertTrue(na < 0.9 * nb, "L2 decay: |θ|² " + na + " vs " + nb);
    }

    @Test
    void theDebiasedHardNegativeLossTrainsThroughTheSameStep() {
        LearnerConfig debiased = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0, QueueHygiene.defaults(),
                new LearnerConfig.Debiasing(0.1, 1.0));
        Learner learner = new Learner(MLP, debiased);
        float[] before = flat(learner.queryParams());
        StepStats s = null;
        for (int i = 0; i < 4; i++) s = learner.step(batch(i, 8, 16), batch(i + 10, 8, 16), 8);
        assertEquals(4, s.step());
        assertTrue(Double.isFinite(s.loss()) && !s.skipped(), s.toString());
        assertTrue(!java.util.Arrays.equals(before, flat(learner.queryParams())), "the weights moved");
    }

    @Test
    void byolsPredictorIsPartOfTheCheckpointedState() {
        LearnerConfig byol = new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0, QueueHygiene.defaults(),
                LearnerConfig.Debiasing.NONE, LearnerConfig.Method.BYOL);
        Learner a = new Learner(MLP, byol);
        for (int i = 0; i < 3; i++) a.step(batch(30 + i, 8, 16), batch(40 + i, 8, 16), 8);
        Learner b = new Learner(MLP, byol);
        LearnerState.restore(b, LearnerState.save(a));
        a.step(batch(50, 8, 16), batch(51, 8, 16), 8);
        b.step(batch(50, 8, 16), batch(51, 8, 16), 8);
        assertArrayEquals(flat(a.queryParams()), flat(b.queryParams()), "same predictor and optimizer: same next step");
        assertArrayEquals(flat(a.objective().predictor().params()), flat(b.objective().predictor().params()));
        var refused = assertThrows(IllegalStateException.class, () -> LearnerState.restore(new Learner(MLP, CONFIG), LearnerState.save(a)));
        assertTrue(refused.getMessage().contains("BYOL") && refused.getMessage().contains("MOCO"), refused.getMessage());
    }

    @Test
    void nnclrNeverCountsItsChosenNeighbourAsANegative() {
        Learner learner = new Learner(MLP, new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0,
                QueueHygiene.defaults(), LearnerConfig.Debiasing.NONE, LearnerConfig.Method.NNCLR));
        for (int step = 0; step < 4; step++) {
            long[] ids = new long[8];
            for (int i = 0; i < 8; i++) ids[i] = 100L * step + i + 1;   // no sample repeats: only neighbours are excluded
            StepStats s = learner.step(batch(100 + step, 8, 16), batch(200 + step, 8, 16), ids, 8);
            assertEquals(step == 0 ? 0 : 8, s.excludedNegatives(), "one excluded neighbour per query at step " + step);
        }
    }

    @Test
    void batchNormalisedMethodsSkipABatchOfOnePair() {
        Learner learner = new Learner(MLP, new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0,
                QueueHygiene.defaults(), LearnerConfig.Debiasing.NONE, LearnerConfig.Method.SIMSIAM));
        float[] before = learner.queryParams().toFloatVector();
        StepStats s = learner.step(batch(1, 1, 16), batch(2, 1, 16), 1);
        assertTrue(s.skipped(), "one pair cannot be batch-normalised");
        assertArrayEquals(before, learner.queryParams().toFloatVector(), "weights untouched");
        assertFalse(learner.step(batch(1, 4, 16), batch(2, 4, 16), 4).skipped());
    }

    @Test
    void onlyTheMethodsThatUseAQueueOrAKeyEncoderKeepOne() {
        for (LearnerConfig.Method m : LearnerConfig.Method.values()) {
            Learner learner = new Learner(MLP, new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0,
                    QueueHygiene.defaults(), LearnerConfig.Debiasing.NONE, m));
            boolean queued = m == LearnerConfig.Method.MOCO || m == LearnerConfig.Method.NNCLR;
            assertEquals(queued, learner.queue() != null, m + ": a queue");
            StepStats s = learner.step(batch(1, 8, 16), batch(2, 8, 16), 8);
            assertEquals(queued ? 8.0 / 64 : 0, s.queueFill(), 1e-12, m + ": queue fill");
            if (queued || m == LearnerConfig.Method.BYOL) {
                assertEquals(learner.objective().keyParams().length(), learner.keySnapshot(1).weights().length);
            } else {
                var e = assertThrows(IllegalStateException.class, () -> learner.keySnapshot(1));
                assertTrue(e.getMessage().contains(m.name()), e.getMessage());
            }
        }
    }
}
