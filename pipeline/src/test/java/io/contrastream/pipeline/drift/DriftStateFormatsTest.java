package io.contrastream.pipeline.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.state.StateCodec;
import io.contrastream.schema.DriftReport;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/** Drift states written by this build and earlier ones (the committed fixtures) restore to what they held. */
class DriftStateFormatsTest {

    /** Samples fed after the fixture's: the encoder arrives and every waiting window is reported. */
    private static final int MORE = 100;

    @Test
    void aWindowRestoresToTheSameContents() {
        assertRestores("drift-window", StateFixtures.window().save(), saved -> WindowAccumulator.restore(saved).save());
    }

    @Test
    void aProbeReservoirRestoresToTheSameContents() {
        assertRestores("probe-reservoir", StateFixtures.probes().save(), saved -> {
            ProbeReservoir restored = new ProbeReservoir(4, 42);
            restored.restore(saved);
            return restored.save();
        });
    }

    @Test
    void aRepresentationProbeRestoresToTheSameContents() {
        assertRestores("representation-probe", StateFixtures.representation().save(), saved -> {
            RepresentationProbe restored = new RepresentationProbe();
            restored.restore(saved);
            return restored.save();
        });
    }

    @Test
    void aRepresentationProbeNotYetFixedRestoresUnfixed() {
        RepresentationProbe unfixed = new RepresentationProbe();
        RepresentationProbe restored = new RepresentationProbe();
        restored.restore(unfixed.save());
        assertFalse(restored.fixed());
        assertArrayEquals(unfixed.save(), restored.save());
    }

    @Test
    void anOperatorRestoredFromEitherFormatAndSavedAgainReportsWhatTheUninterruptedOneReports() throws Exception {
        List<DriftReport> uninterrupted;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < StateFixtures.OPERATOR_SAMPLES; i++) h.processElement(StateFixtures.sample(i), 0);
            int before = h.extractOutputValues().size();
            continueAfterTheFixture(h);
            uninterrupted = h.extractOutputValues().subList(before, h.extractOutputValues().size());
        }
        assertEquals(32 + MORE / 20, uninterrupted.size(), "the waiting windows and the new ones");
        for (String fixture : List.of("drift-operator-v1.bin", "drift-operator-v2.bin")) {
            OperatorSubtaskState savedAgain;
            try (var h = harness()) {
                h.initializeState(OperatorSnapshotUtil.readStateHandle(StateFixtures.path(fixture)));
                h.open();
                savedAgain = h.snapshot(2, 2);
            }
            try (var h = harness()) {
                h.initializeState(savedAgain);
                h.open();
                continueAfterTheFixture(h);
                assertEquals(uninterrupted, h.extractOutputValues(), fixture);
            }
        }
    }

    private static OneInputStreamOperatorTestHarness<DriftInput, DriftReport> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(StateFixtures.operator());
    }

    /**
     * Each fixture of the kind (format 1, written before {@link StateCodec}, and 2) restores to {@code expected}; what
     * it saves is in the codec's format and restores again to the same.
     */
    private static void assertRestores(String kind, byte[] expected, UnaryOperator<byte[]> restoreAndSave) {
        for (String fixture : List.of(kind + "-v1.bin", kind + "-v2.bin")) {
            byte[] saved = restoreAndSave.apply(StateFixtures.read(fixture));
            assertArrayEquals(expected, saved, fixture);
            assertTrue(StateCodec.encoded(saved));
            assertArrayEquals(saved, restoreAndSave.apply(saved), fixture + ", saved again");
        }
    }

    private static void continueAfterTheFixture(OneInputStreamOperatorTestHarness<DriftInput, DriftReport> h) throws Exception {
        h.processElement(DriftInput.of(DriftOperatorTest.snapshot(1, 5)), 0);
        for (int i = StateFixtures.OPERATOR_SAMPLES; i < StateFixtures.OPERATOR_SAMPLES + MORE; i++) {
            h.processElement(StateFixtures.sample(i), 0);
        }
    }
}
