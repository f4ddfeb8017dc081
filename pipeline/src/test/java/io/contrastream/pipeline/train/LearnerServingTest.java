package io.contrastream.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.serve.WarmUp;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The learner serves its versions in one space: same space id, an orthogonal alignment, continued after a restore. */
class LearnerServingTest {

    static final Serving SERVING = new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 0);

    static PairBatch batch(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 64;
        float[] a = new float[n * 8];
        float[] b = new float[n * 8];
        String[] ids = new String[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
            b[i] = a[i] + 0.1f * (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) ids[i] = "s" + seed + "-" + i;
        return new PairBatch(n, ids, a, b, a.clone());
    }

    static OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot> harness(Serving serving) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new LearnerOperator(LearnerOperatorTest.ENCODER, LearnerOperatorTest.LEARNER, 2)
                .withServing(serving));
    }

    @Test
    void versionsShareOneSpaceAndAreAlignedOnceTheAnchorsAreIn() throws Exception {
        try (var h = harness(SERVING)) {
            h.open();
            for (int i = 0; i < 10; i++) h.processElement(batch(i), 0);
            List<EncoderSnapshot> snaps = h.extractOutputValues();
            assertEquals(5, snaps.size());
            String space = snaps.get(0).getSpaceId();
            assertNotNull(space);
            for (EncoderSnapshot s : snaps) assertEquals(space, s.getSpaceId(), "one space for the whole chain");
            assertNull(snaps.get(0).getAlignment(), "the first version defines the space");
            List<Float> r = snaps.get(4).getAlignment();
            assertNotNull(r, "later versions are aligned onto it");
            int e = LearnerOperatorTest.ENCODER.embeddingDim();
            assertEquals(e * e, r.size());
            for (int i = 0; i < e; i++) {
                double dot = 0;
                for (int k = 0; k < e; k++) dot += r.get(k * e + i) * r.get(k * e + i);
                assertEquals(1.0, dot, 1e-4, "column " + i + " of an orthogonal alignment has unit length");
            }
        }
    }

    @Test
    void aRestoredLearnerContinuesItsSpaceExactly() throws Exception {
        OperatorSubtaskState state;
        List<EncoderSnapshot> uninterrupted;
        try (var h = harness(SERVING)) {
            h.open();
            for (int i = 0; i < 6; i++) h.processElement(batch(i), 0);
            state = h.snapshot(1, 1);
            for (int i = 6; i < 10; i++) h.processElement(batch(i), 0);
            uninterrupted = h.extractOutputValues();
        }
        try (var h = harness(SERVING)) {
            h.initializeState(state);
            h.open();
            for (int i = 6; i < 10; i++) h.processElement(batch(i), 0);
            List<EncoderSnapshot> resumed = h.extractOutputValues();
            assertEquals(2, resumed.size());
            for (int j = 0; j < 2; j++) {
                EncoderSnapshot a = uninterrupted.get(3 + j);
                EncoderSnapshot b = resumed.get(j);
                assertEquals(a.getVersion(), b.getVersion());
                assertEquals(a.getSpaceId(), b.getSpaceId(), "the space continues");
                assertEquals(a.getWeights(), b.getWeights(), "the compatibility anchor was restored with the space");
                assertEquals(a.getAlignment(), b.getAlignment());
            }
        }
    }

    @Test
    void aCheckpointTakenBeforeTheFirstPublishAfterARestoreStillHoldsTheServedVersion() throws Exception {
        OperatorSubtaskState first;
        List<EncoderSnapshot> uninterrupted;
        try (var h = harness(SERVING)) {
            h.open();
            for (int i = 0; i < 6; i++) h.processElement(batch(i), 0);
            first = h.snapshot(1, 1);
            for (int i = 6; i < 10; i++) h.processElement(batch(i), 0);
            uninterrupted = h.extractOutputValues();
        }
        OperatorSubtaskState second;
        try (var h = harness(SERVING)) {   // restored, then checkpointed again before it publishes anything
            h.initializeState(first);
            h.open();
            second = h.snapshot(2, 2);
        }
        try (var h = harness(SERVING)) {
            h.initializeState(second);
            h.open();
            for (int i = 6; i < 10; i++) h.processElement(batch(i), 0);
            List<EncoderSnapshot> resumed = h.extractOutputValues();
            assertEquals(2, resumed.size());
            for (int j = 0; j < 2; j++) {
                assertEquals(uninterrupted.get(3 + j).getAlignment(), resumed.get(j).getAlignment(), "still aligned onto the served version");
                assertEquals(uninterrupted.get(3 + j).getWeights(), resumed.get(j).getWeights(), "and anchored on it");
            }
        }
    }

    @Test
    void aPlateauWarmUpWaitsForTheLossToLevelOffOrForItsCap() throws Exception {
        // Two 50-step windows of loss are needed to see a plateau: with a cap of 9 steps the cap decides.
        try (var h = harness(new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 3, 9, 0.01))) {
            h.open();
            for (int i = 0; i < 8; i++) h.processElement(batch(i), 0);
            assertEquals(0, h.extractOutputValues().size(), "past the 3 warm-up steps, but no plateau seen yet");
            h.processElement(batch(8), 0);
            assertEquals(List.of(9L), h.extractOutputValues().stream().map(EncoderSnapshot::getStep).toList(), "served at the cap");
        }
        // The same batches over and over: the loss levels off, and the version is served before the cap.
        try (var h = harness(new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 3, 1000, 0.5))) {
            h.open();
            int i = 0;
            while (h.extractOutputValues().isEmpty() && i < 400) h.processElement(batch(i++ % 4), 0);
            long served = h.extractOutputValues().get(0).getStep();
            assertTrue(served >= 2 * WarmUp.WINDOW && served < 400, "served at step " + served);
        }
    }

    @Test
    void theFirstVersionWaitsForTheWarmUpStepsUnlessTheInputEnds() throws Exception {
        try (var h = harness(new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 7))) {
            h.open();
            for (int i = 0; i < 6; i++) h.processElement(batch(i), 0);
            assertEquals(0, h.extractOutputValues().size(), "6 of 7 warm-up steps: nothing served yet");
            h.processElement(batch(6), 0);
            assertEquals(List.of(7L), h.extractOutputValues().stream().map(EncoderSnapshot::getStep).toList(), "served at the 7th step");
            h.processElement(batch(7), 0);
            h.processElement(batch(8), 0);
            assertEquals(List.of(1L, 2L), h.extractOutputValues().stream().map(EncoderSnapshot::getVersion).toList(),
                    "then every --snapshot-every steps as before");
        }
        try (var h = harness(new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 1000))) {
            h.open();
            h.processElement(batch(0), 0);
            h.endInput();
            assertEquals(1, h.extractOutputValues().size(), "a bounded input's end serves what there is");
        }
        try (var h = new OneInputStreamOperatorTestHarness<PairBatch, EncoderSnapshot>(new LearnerOperator(LearnerOperatorTest.ENCODER,
                LearnerOperatorTest.LEARNER, 2, 1_000, Replay.off())
                .withServing(new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 1000)))) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(batch(0), 0);
            h.setProcessingTime(900);
            h.processElement(batch(1), 0);
            h.setProcessingTime(1_500);
            assertEquals(0, h.extractOutputValues().size(), "still learning: the warm-up holds");
            h.setProcessingTime(1_900);
            assertEquals(List.of(2L), h.extractOutputValues().stream().map(EncoderSnapshot::getStep).toList(),
                    "a stream too small for the warm-up is served once the learner has been quiet for the interval");
        }
    }

    @Test
    void withoutCompatibilityEveryVersionIsServedAsItIs() throws Exception {
        try (var h = harness(Serving.off())) {
            h.open();
            for (int i = 0; i < 6; i++) h.processElement(batch(i), 0);
            List<EncoderSnapshot> snaps = h.extractOutputValues();
            assertTrue(snaps.size() >= 2);
            for (EncoderSnapshot s : snaps) assertNull(s.getAlignment());
        }
    }
}
