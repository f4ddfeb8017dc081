package io.contrastream.pipeline.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contrastream.schema.DriftReport;
import java.io.IOException;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/** Drift states written by an earlier build (the committed fixtures) restore to what that build held. */
class DriftStateFormatsTest {

    /** Samples fed after the fixture's: the encoder arrives and every waiting window is reported. */
    private static final int MORE = 100;

    @Test
    void aWindowRestoresToTheSameContents() throws IOException {
        WindowAccumulator restored = WindowAccumulator.restore(StateFixtures.read("drift-window-v1.bin"));
        assertArrayEquals(StateFixtures.window().save(), restored.save());
    }

    @Test
    void aProbeReservoirRestoresToTheSameContents() throws IOException {
        ProbeReservoir restored = new ProbeReservoir(4, 42);
        restored.restore(StateFixtures.read("probe-reservoir-v1.bin"));
        assertArrayEquals(StateFixtures.probes().save(), restored.save());
    }

    @Test
    void aRepresentationProbeRestoresToTheSameContents() throws IOException {
        RepresentationProbe restored = new RepresentationProbe();
        restored.restore(StateFixtures.read("representation-probe-v1.bin"));
        assertArrayEquals(StateFixtures.representation().save(), restored.save());
    }

    @Test
    void anOperatorRestoredFromAnEarlierSnapshotReportsWhatTheUninterruptedOneReports() throws Exception {
        List<DriftReport> uninterrupted;
        try (var h = new OneInputStreamOperatorTestHarness<DriftInput, DriftReport>(StateFixtures.operator())) {
            h.open();
            for (int i = 0; i < StateFixtures.OPERATOR_SAMPLES; i++) h.processElement(StateFixtures.sample(i), 0);
            int before = h.extractOutputValues().size();
            continueAfterTheFixture(h);
            uninterrupted = h.extractOutputValues().subList(before, h.extractOutputValues().size());
        }
        try (var h = new OneInputStreamOperatorTestHarness<DriftInput, DriftReport>(StateFixtures.operator())) {
            h.initializeState(OperatorSnapshotUtil.readStateHandle(StateFixtures.path("drift-operator-v1.bin")));
            h.open();
            continueAfterTheFixture(h);
            assertEquals(uninterrupted, h.extractOutputValues());
        }
        assertEquals(32 + MORE / 20, uninterrupted.size(), "the waiting windows and the new ones");
    }

    private static void continueAfterTheFixture(OneInputStreamOperatorTestHarness<DriftInput, DriftReport> h) throws Exception {
        h.processElement(DriftInput.of(DriftOperatorTest.snapshot(1, 5)), 0);
        for (int i = StateFixtures.OPERATOR_SAMPLES; i < StateFixtures.OPERATOR_SAMPLES + MORE; i++) {
            h.processElement(StateFixtures.sample(i), 0);
        }
    }
}
