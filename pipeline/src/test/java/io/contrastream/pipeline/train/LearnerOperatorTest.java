package io.contrastream.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class LearnerOperatorTest {

    static final EncoderConfig ENCODER = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {8}, new int[] {16}, 8, 8, 4, 1);
    static final LearnerConfig LEARNER = new LearnerConfig(32, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0);

    static PairBatch batch(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[4 * 8];
        float[] b = new float[4 * 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
            b[i] = a[i] + 0.1f * (float) rng.nextGaussian();
        }
        return new PairBatch(4, new String[] {"a", "b", "c", "d"}, a, b, a.clone());
    }

    private static OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new LearnerOperator(ENCODER, LEARNER, 2));
    }

    @Test
    void publishesASnapshotEveryNStepsAndStatsEveryStep() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 5; i++) h.processElement(batch(i), 0);
            List<EncoderSnapshot> snaps = h.extractOutputValues();
            assertEquals(List.of(1L, 2L), snaps.stream().map(EncoderSnapshot::getVersion).toList());
            assertEquals(List.of(2L, 4L), snaps.stream().map(EncoderSnapshot::getStep).toList());
            assertEquals(5, h.getSideOutput(LearnerOperator.STEP_STATS).size());
            h.endInput();
            assertEquals(3L, h.extractOutputValues().get(2).getVersion(), "the end of input publishes the last steps");
        }
    }

    @Test
    void aSlowStreamStillGetsItsStepsPublishedWithinTheInterval() throws Exception {
        LearnerOperator op = new LearnerOperator(ENCODER, LEARNER, 100, 5_000, Replay.off());
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(op)) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(batch(0), 0);
            h.processElement(batch(1), 0);
            assertEquals(List.of(), h.extractOutputValues(), "2 of 100 steps, and the interval has not passed");
            h.setProcessingTime(6_000);
            assertEquals(List.of(2L), h.extractOutputValues().stream().map(EncoderSnapshot::getStep).toList());
            h.setProcessingTime(20_000);
            assertEquals(1, h.extractOutputValues().size(), "nothing new to publish, no new version");
            h.processElement(batch(2), 0);
            h.setProcessingTime(25_001);
            assertEquals(List.of(1L, 2L), h.extractOutputValues().stream().map(EncoderSnapshot::getVersion).toList());
        }
    }

    @Test
    void aRestoredLearnerContinuesStepAndVersionAndMatchesTheUninterruptedRun() throws Exception {
        OperatorSubtaskState state;
        List<Float> uninterrupted;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 3; i++) h.processElement(batch(i), 0);
            state = h.snapshot(1, 1);
            h.processElement(batch(3), 0);
            uninterrupted = h.extractOutputValues().get(1).getWeights();
        }
        try (var h = harness()) {
            h.initializeState(state);
            h.open();
            h.processElement(batch(3), 0);
            List<EncoderSnapshot> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(2L, out.get(0).getVersion());
            assertEquals(4L, out.get(0).getStep());
            float[] a = new float[uninterrupted.size()];
            float[] b = new float[uninterrupted.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = uninterrupted.get(i);
                b[i] = out.get(0).getWeights().get(i);
            }
            assertArrayEquals(a, b);
        }
    }

    @Test
    void theLearnersStateTravelsInBulkAsRawOperatorState() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 2; i++) h.processElement(batch(i), 0);
            OperatorSubtaskState state = h.snapshot(1, 1);
            long raw = state.getRawOperatorState().stream().mapToLong(s -> s.getStateSize()).sum();
            long managed = state.getManagedOperatorState().stream().mapToLong(s -> s.getStateSize()).sum();
            long weights = 3L * 4 * h.extractOutputValues().get(0).getWeights().size();   // query encoder, Adam's m and v
            assertTrue(raw > weights, "the learner's state is raw operator state: " + raw + " bytes");
            assertTrue(managed < raw / 2, "the managed rest (the served version, counters) is smaller: " + managed + " bytes");
        }
    }

    @Test
    void replayAddsSeededStepsOnPastSamplesAndItsBufferIsCheckpointed() throws Exception {
        Replay replay = new Replay(2.0, 16, 1.0, 3, false);
        OperatorSubtaskState state;
        List<Float> uninterrupted;
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, replay))) {
            h.open();
            h.processElement(batch(0), 0);
            h.processElement(batch(1), 0);
            assertEquals(6, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "each stream batch + 2 replayed batches");
            state = h.snapshot(1, 1);
            h.processElement(batch(2), 0);
            h.endInput();
            uninterrupted = h.extractOutputValues().get(0).getWeights();
        }
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, replay))) {
            h.initializeState(state);
            h.open();
            h.processElement(batch(2), 0);
            h.endInput();
            assertEquals(uninterrupted, h.extractOutputValues().get(0).getWeights(), "restored replay continues identically");
        }
    }

    @Test
    void theLearnerNeverSeesLabels() {
        // PairBatch and ViewPair are the learner's only inputs: neither has a label field.
        for (Class<?> c : List.of(PairBatch.class, io.contrastream.pipeline.augment.ViewPair.class)) {
            assertTrue(java.util.Arrays.stream(c.getFields()).noneMatch(f -> f.getName().toLowerCase().contains("label")), c.getName());
        }
    }

    @Test
    void overItsTimeBudgetTheLearnerShedsBatchesAndTrainsAgainWhenTheBudgetRefills() throws Exception {
        LearnerOperator op = new LearnerOperator(ENCODER, LEARNER, 1, 0, Replay.off()).withMaxBusy(0.5);
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(op)) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(batch(0), 0);   // an empty bucket admits; the step's time overdraws it
            h.processElement(batch(1), 0);   // no time has passed: shed
            h.processElement(batch(2), 0);   // shed
            assertEquals(1, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "one step trained, two batches shed");
            h.setProcessingTime(1_000);      // a second at 0.5 refills 500 ms, far more than a step of this size
            h.processElement(batch(3), 0);
            assertEquals(2, h.getSideOutput(LearnerOperator.STEP_STATS).size());
            assertEquals(List.of(1L, 2L), h.extractOutputValues().stream().map(EncoderSnapshot::getStep).toList());
        }
    }

    @Test
    void withTheWholeBudgetEveryBatchIsTrained() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(
                new LearnerOperator(ENCODER, LEARNER, 100, 0, Replay.off()).withMaxBusy(1))) {
            h.open();
            for (int i = 0; i < 6; i++) h.processElement(batch(i), 0);
            assertEquals(6, h.getSideOutput(LearnerOperator.STEP_STATS).size());
        }
    }

    @Test
    void aCaughtUpLearnerSpendsItsIdleTimeOnAtMostRatioReplayStepsPerStreamStep() throws Exception {
        Replay replay = new Replay(4, 64, 1.0, 3, true);
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, 0, replay))) {
            h.setProcessingTime(1_000);
            h.open();
            h.processElement(batch(0).formedAt(990), 0);   // fresh: waited 10 ms
            assertEquals(1, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "replay waits behind the mailbox");
            h.setProcessingTime(1_001);
            assertEquals(5, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "one stream step + 4 replayed");
            h.setProcessingTime(60_000);
            assertEquals(5, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "a stream that stops is not replayed without end");
        }
    }

    @Test
    void aBackloggedStreamIsNeverSlowedByReplay() throws Exception {
        Replay replay = new Replay(4, 64, 1.0, 3, true);
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, 0, replay))) {
            h.setProcessingTime(10_000);
            h.open();
            h.processElement(batch(0).formedAt(1_000), 0);   // waited 9 s in the buffers: the stream is ahead
            h.processElement(batch(1).formedAt(2_000), 0);
            h.setProcessingTime(10_001);
            assertEquals(2, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "no replay while behind");
            h.processElement(batch(2).formedAt(10_001), 0);   // caught up
            h.setProcessingTime(10_002);
            assertEquals(3 + 12, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "caught up: the credits kept while behind too");
        }
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, 0, replay))) {
            h.setProcessingTime(10_000);
            h.open();
            h.processElement(batch(0).formedAt(1_000), 0);   // behind, and then the stream goes quiet
            h.setProcessingTime(10_500);
            assertEquals(1, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "still behind: a batch may come any moment");
            // Idle after max(1 s, 9 steps) without a batch: on a loaded machine a step takes longer, and so does that.
            h.setProcessingTime(30_000);
            assertEquals(5, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "no batch for a while: the backlog was read");
        }
    }

    @Test
    void theInputMomentsAreCheckpointedAndTravelWithEverySnapshot() throws Exception {
        OperatorSubtaskState state;
        EncoderSnapshot uninterrupted;
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(
                new LearnerOperator(ENCODER, LEARNER, 100, 0, Replay.off()).withStandardization(true))) {
            h.open();
            h.processElement(batch(0), 0);
            h.processElement(batch(1), 0);
            state = h.snapshot(1, 1);
            h.processElement(batch(2), 0);
            h.endInput();
            uninterrupted = h.extractOutputValues().get(0);
        }
        assertEquals(8, uninterrupted.getInputStandardization().getMean().size());
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(
                new LearnerOperator(ENCODER, LEARNER, 100, 0, Replay.off()).withStandardization(true))) {
            h.initializeState(state);
            h.open();
            h.processElement(batch(2), 0);
            h.endInput();
            EncoderSnapshot restored = h.extractOutputValues().get(0);
            assertEquals(uninterrupted.getInputStandardization(), restored.getInputStandardization(), "moments of all 12 samples");
            assertEquals(uninterrupted.getWeights(), restored.getWeights());
            var model = Snapshots.fromAvro(restored);
            assertArrayEquals(model.input().std(), Snapshots.fromAvro(uninterrupted).input().std());
        }
    }

    @Test
    void aStreamWhoseSamplesWereWrittenLongAgoIsABacklogToo() throws Exception {
        Replay replay = new Replay(4, 64, 1.0, 3, true);
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, 0, replay))) {
            h.setProcessingTime(100_000);
            h.open();
            h.processElement(batch(0).formedAt(100_000).sourcedAt(10_000), 0);   // formed now, from a topic 90 s behind
            h.setProcessingTime(100_001);
            assertEquals(1, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "catching up with the topic: no replay");
            h.processElement(batch(1).formedAt(100_001).sourcedAt(99_000), 0);
            h.setProcessingTime(100_002);
            assertEquals(10, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "caught up: the credits of both stream steps");
        }
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(ENCODER, LEARNER, 100, 0, replay))) {
            h.setProcessingTime(100_000);
            h.open();
            h.processElement(batch(0).formedAt(100_000).sourcedAt(10_000), 0);
            h.setProcessingTime(160_000);   // a slow stream's next batch is seconds away: no sign the topic was read
            assertEquals(1, h.getSideOutput(LearnerOperator.STEP_STATS).size(), "behind the topic until a batch comes fresh");
        }
    }

    @Test
    void aStateFromBeforeStandardisationKeepsItsEncodersInputsAsTheyWere() throws Exception {
        OperatorSubtaskState state;
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(
                new LearnerOperator(ENCODER, LEARNER, 100, 0, Replay.off()))) {
            h.open();
            h.processElement(batch(0), 0);
            state = h.snapshot(1, 1);
        }
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(
                new LearnerOperator(ENCODER, LEARNER, 100, 0, Replay.off()).withStandardization(true))) {
            h.initializeState(state);
            h.open();
            h.processElement(batch(1), 0);
            h.endInput();
            assertEquals(null, h.extractOutputValues().get(0).getInputStandardization(), "the restored encoder never saw z-scores");
        }
    }
}
