package io.contrastream.pipeline.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.train.Snapshot;
import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.common.ProbeSelector;
import io.contrastream.pipeline.config.JobParams.DriftReference;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class DriftOperatorTest {

    static EncoderSnapshot snapshot(long version, long weightSeed) {
        EncoderConfig c = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {8}, new int[] {16}, 8, 8, 8, weightSeed);
        float[] w = Encoders.build(c, DataType.FLOAT).params().toFloatVector();
        EncoderConfig shared = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {8}, new int[] {16}, 8, 8, 8, 0);
        return Snapshots.toAvro(new Snapshot(version, version, shared, w));
    }

    private static DriftInput sample(int i, double offset, SplittableRandom rng) {
        float[] x = new float[8];
        for (int j = 0; j < 8; j++) x[j] = (float) (rng.nextGaussian() + offset);
        return DriftInput.of(new Instance("s" + i, 1000 + i, x, -1));
    }

    private static OneInputStreamOperatorTestHarness<DriftInput, DriftReport> harness(int window, DriftReference ref) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new DriftOperator(window, ref, 100, 200, 42));
    }

    @Test
    void reportsHealthPerWindowAndFlagsAShiftedWindowAgainstTheFirst() throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        try (var h = harness(100, DriftReference.FIRST)) {
            h.open();
            h.processElement(DriftInput.of(snapshot(1, 5)), 0);
            h.processElement(DriftInput.of(new StepStats(7, 32, 4.0, 0.9, 0.1, 0.5, 1.0, false, 0, 0, 0)), 0);
            for (int i = 0; i < 200; i++) h.processElement(sample(i, 0, rng), 0);
            for (int i = 200; i < 300; i++) h.processElement(sample(i, 2.0, rng), 0);
            List<DriftReport> out = h.extractOutputValues();
            assertEquals(3, out.size());
            DriftReport first = out.get(0);
            assertNull(first.getMmd2(), "the first window has no reference");
            assertEquals(4.0, first.getLoss(), 1e-9);
            assertEquals(7, first.getLearnerStep());
            assertEquals(1, first.getEncoderVersion());
            assertEquals(1000, first.getWindowStart().toEpochMilli());
            assertEquals(1099, first.getWindowEnd().toEpochMilli());
            assertNotNull(first.getCollapseStd());
            assertTrue(out.get(1).getMmdPValue() > 0.05, "same distribution: p " + out.get(1).getMmdPValue());
            assertTrue(out.get(2).getMmdPValue() < 0.01, "shifted: p " + out.get(2).getMmdPValue());
            assertTrue(out.get(2).getInputMeanShift() > 3 * out.get(1).getInputMeanShift());
            assertEquals(0L, out.get(2).getReferenceWindowIndex());
        }
    }

    @Test
    void aShiftRaisesTheMmdAlarmOnItsSecondWindowAndNewEncodersReportRepresentationDrift() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        try (var h = harness(100, DriftReference.FIRST)) {
            h.open();
            h.processElement(DriftInput.of(snapshot(1, 5)), 0);
            for (int i = 0; i < 300; i++) h.processElement(sample(i, 0, rng), 0);
            h.processElement(DriftInput.of(snapshot(2, 9)), 0);   // another encoder: the probes move
            for (int i = 300; i < 500; i++) h.processElement(sample(i, 1.5, rng), 0);
            List<DriftReport> out = h.extractOutputValues();
            assertEquals(List.of(false, false, false, false, true), out.stream().map(DriftReport::getAlarm).toList());
            assertEquals("mmd", out.get(4).getAlarmDetectors());
            assertEquals(1, out.get(3).getMmdSuspectWindows(), "the first shifted window is suspect, not yet an alarm");
            assertEquals(0.01, out.get(4).getMmdAlarmLevel(), 1e-12);
            assertNull(out.get(0).getRepresentationCosineMovement(), "the probes are fixed in the first window");
            assertEquals(0.0, out.get(1).getRepresentationCosineMovement(), 0.0, "same encoder version: no movement");
            assertEquals(1.0, out.get(1).getRepresentationKnnOverlap(), 0.0);
            assertEquals(1L, out.get(3).getRepresentationFromVersion());
            assertEquals(2L, out.get(3).getEncoderVersion());
            assertTrue(out.get(3).getRepresentationCosineMovement() > 0.01, "another encoder moved the probes");
            assertTrue(out.get(3).getRepresentationKnnOverlap() < 1);
            assertEquals(0.0, out.get(4).getRepresentationCosineMovement(), 0.0);
        }
    }

    @Test
    void theKnnMonitorScoresHeldOutLabelledProbes() throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        ProbeSelector all = new ProbeSelector(0.5, 1);
        try (var h = new OneInputStreamOperatorTestHarness<DriftInput, DriftReport>(
                new DriftOperator(200, DriftReference.FIRST, 64, 10, 42, all))) {
            h.open();
            h.processElement(DriftInput.of(snapshot(1, 5)), 0);
            for (int i = 0; i < 200; i++) {
                int label = i % 2;
                float[] x = new float[8];
                for (int j = 0; j < 8; j++) x[j] = (float) (0.3 * rng.nextGaussian() + (j < 4 == (label == 0) ? 3 : 0));
                h.processElement(DriftInput.of(new Instance("p" + i, i, x, label)), 0);
            }
            DriftReport r = h.extractOutputValues().get(0);
            assertTrue(r.getProbeSamples() > 60 && r.getProbeSamples() < 140, "about half are probes: " + r.getProbeSamples());
            assertTrue(r.getKnnAccuracyRaw() > 95, "separable clusters on raw features: " + r.getKnnAccuracyRaw());
            assertNotNull(r.getKnnAccuracy());
        }
    }

    @Test
    void onlyLabelledSamplesAreEverHeldOut() {
        ProbeSelector half = new ProbeSelector(0.5, 1);
        int held = 0;
        for (int i = 0; i < 1000; i++) {
            assertTrue(!half.isProbe("u" + i, Instance.NO_LABEL));
            if (half.isProbe("l" + i, 3)) held++;
        }
        assertTrue(held > 400 && held < 600, "held out " + held + " of 1000");
        assertTrue(new io.contrastream.pipeline.decode.TrainingSamples(half).filter(new Instance("u", 0, new float[] {1}, Instance.NO_LABEL)));
    }

    @Test
    void aRestoredDriftOperatorReportsExactlyWhatTheUninterruptedOneReports() throws Exception {
        java.util.function.IntFunction<DriftInput> sample = i -> {
            SplittableRandom r = new SplittableRandom(i);
            float[] x = new float[8];
            for (int j = 0; j < 8; j++) x[j] = (float) r.nextGaussian();
            return DriftInput.of(new Instance("s" + i, i, x, i % 2));
        };
        ProbeSelector probes = new ProbeSelector(0.3, 1);
        java.util.function.Supplier<DriftOperator> operator = () -> new DriftOperator(100, DriftReference.FIRST, 32, 20, 42, probes);
        List<DriftReport> uninterrupted;
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState state;
        try (var h = new OneInputStreamOperatorTestHarness<DriftInput, DriftReport>(operator.get())) {
            h.open();
            h.processElement(DriftInput.of(snapshot(1, 5)), 0);
            for (int i = 0; i < 150; i++) h.processElement(sample.apply(i), 0);
            state = h.snapshot(1, 1);
            for (int i = 150; i < 300; i++) h.processElement(sample.apply(i), 0);
            uninterrupted = h.extractOutputValues();
        }
        try (var h = new OneInputStreamOperatorTestHarness<DriftInput, DriftReport>(operator.get())) {
            h.initializeState(state);
            h.open();
            for (int i = 150; i < 300; i++) h.processElement(sample.apply(i), 0);
            List<DriftReport> restored = h.extractOutputValues();
            assertEquals(uninterrupted.subList(1, 3), restored);
        }
    }

    @Test
    void aNewEncoderAloneIsNotDataDrift() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        try (var h = harness(100, DriftReference.FIRST)) {
            h.open();
            h.processElement(DriftInput.of(snapshot(1, 5)), 0);
            for (int i = 0; i < 100; i++) h.processElement(sample(i, 0, rng), 0);
            h.processElement(DriftInput.of(snapshot(2, 99)), 0);   // very different weights
            for (int i = 100; i < 200; i++) h.processElement(sample(i, 0, rng), 0);
            DriftReport second = h.extractOutputValues().get(1);
            assertEquals(2, second.getEncoderVersion());
            assertTrue(second.getMmdPValue() > 0.05, "both windows embedded by v2: p " + second.getMmdPValue());
        }
    }

    @Test
    void windowsWaitForTheFirstSnapshotAndTheLastPartialWindowIsFlushed() throws Exception {
        SplittableRandom rng = new SplittableRandom(2);
        try (var h = harness(100, DriftReference.PREVIOUS)) {
            h.open();
            for (int i = 0; i < 250; i++) h.processElement(sample(i, 0, rng), 0);
            assertEquals(0, h.extractOutputValues().size(), "closed windows wait for an encoder");
            h.processElement(DriftInput.of(snapshot(1, 5)), 0);
            assertEquals(2, h.extractOutputValues().size());
            assertNotNull(h.extractOutputValues().get(0).getCollapseStd(), "the early windows get embedding statistics");
            h.endInput();
            assertEquals(50, h.extractOutputValues().get(2).getSampleCount());
        }
    }

    @Test
    void withoutAnyEncoderOnlyInputDriftIsReported() throws Exception {
        SplittableRandom rng = new SplittableRandom(2);
        try (var h = harness(100, DriftReference.PREVIOUS)) {
            h.open();
            for (int i = 0; i < 130; i++) h.processElement(sample(i, 0, rng), 0);
            h.endInput();
            List<DriftReport> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals(30, out.get(1).getSampleCount());
            assertNull(out.get(1).getMmd2());
            assertEquals(-1, out.get(1).getEncoderVersion());
            assertNotNull(out.get(1).getInputMeanShift());
        }
    }
}
