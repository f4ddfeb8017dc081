package io.contrastream.model.train;

import static io.contrastream.model.train.LearnerTest.MLP;
import static io.contrastream.model.train.LearnerTest.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QueueHygieneTest {

    static LearnerConfig config(QueueHygiene hygiene) {
        return new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0, hygiene);
    }

    static long[] ids(int from, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = SampleIds.of("s" + (from + i));
        return ids;
    }

    @Test
    void aStreamThatRepeatsEverySampleNeverUsesItsOwnEarlierKeysAsNegatives() {
        Learner learner = new Learner(MLP, config(QueueHygiene.defaults()));
        // Samples s0..s7 arrive, then s8..s15, then both batches again, twice: 4 repeats of each, all in the queue (K 64).
        for (int round = 0; round < 3; round++) {
            for (int from : new int[] {0, 8}) {
                StepStats s = learner.step(batch(round * 100 + from, 8, 16), batch(round * 100 + from + 1, 8, 16), ids(from, 8), 8);
                assertEquals(8 * round, s.excludedNegatives(), "each query masks exactly its own " + round + " earlier keys");
            }
        }
        assertEquals(48, learner.queue().size());
    }

    @Test
    void withoutMaskingTheSameStreamCountsThemAsNegatives() {
        Learner learner = new Learner(MLP, config(QueueHygiene.off()));
        learner.step(batch(1, 8, 16), batch(2, 8, 16), ids(0, 8), 8);
        assertEquals(0, learner.step(batch(3, 8, 16), batch(4, 8, 16), ids(0, 8), 8).excludedNegatives());
    }

    @Test
    void keysOlderThanTheAgeLimitAreDroppedAndAgesAreReported() {
        Learner learner = new Learner(MLP, config(new QueueHygiene(true, 1.0, 2)));
        StepStats s = null;
        for (int i = 0; i < 5; i++) s = learner.step(batch(i, 4, 16), batch(i + 50, 4, 16), ids(4 * i, 4), 4);
        // Before step 5 (learner step counter 4) the queue holds keys of steps 0..3, ages 4, 3, 2, 1: ages 4 and 3 are
        // over the limit, for each of the 4 queries.
        assertEquals(2 * 4 * 4, s.excludedNegatives());
        assertEquals(20, learner.queue().size());
        assertArrayEquals(new long[] {3, 5}, learner.queue().ageMedianAndMax(learner.step()));
        assertEquals(5, s.queueAgeMax(), "after the step: keys of steps 0..4, ages 5..1");
    }

    @Test
    void queueIdsAndAgesSurviveACheckpoint() {
        Learner a = new Learner(MLP, config(QueueHygiene.defaults()));
        for (int i = 0; i < 3; i++) a.step(batch(i, 8, 16), batch(i + 9, 8, 16), ids(8 * i, 8), 8);
        Learner b = new Learner(MLP, config(QueueHygiene.defaults()));
        LearnerState.restore(b, LearnerState.save(a));
        for (int j = 0; j < 24; j++) {
            assertEquals(a.queue().id(j), b.queue().id(j));
            assertEquals(a.queue().age(j, 3), b.queue().age(j, 3));
        }
        assertEquals(8, b.step(batch(7, 8, 16), batch(8, 8, 16), ids(0, 8), 8).excludedNegatives(), "s0..s7 still masked");
    }

    @Test
    void theReplayBufferKeepsEachRowsId() {
        ReplayBuffer buffer = new ReplayBuffer(4, 2, 1);
        buffer.add(new float[] {1, 1, 2, 2, 3, 3}, new long[] {11, 22, 33}, 3);
        ReplayBuffer restored = new ReplayBuffer(4, 2, 1);
        restored.restore(buffer.save());
        long[] drawn = new long[20];
        float[] rows = restored.sample(20, new java.util.SplittableRandom(5), drawn);
        for (int i = 0; i < 20; i++) assertEquals(11 * (long) rows[2 * i], drawn[i], "row " + i + " carries its own id");
    }
}
