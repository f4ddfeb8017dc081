package io.contrastream.pipeline.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.config.JobParams.DriftReference;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DriftOperatorTest {

    private static Embedding embedding(int i, double offset, SplittableRandom rng) {
        List<Float> v = new ArrayList<>();
        for (int j = 0; j < 8; j++) v.add((float) (rng.nextGaussian() + offset));
        return Embedding.newBuilder().setSampleId("s" + i).setEventTime(Instant.ofEpochMilli(1000 + i))
                .setEncoderVersion(3).setVector(v).build();
    }

    @Test
    void reportsHealthPerWindowAndFlagsAShiftedWindowAgainstTheFirst() throws Exception {
        SplittableRandom rng = new SplittableRandom(1);
        try (var h = new TwoInputStreamOperatorTestHarness<Embedding, StepStats, DriftReport>(
                new DriftOperator(100, DriftReference.FIRST, 100, 200, 42))) {
            h.open();
            h.processElement2(new StepStats(7, 32, 4.0, 0.9, 0.1, 0.5, false), 0);
            for (int i = 0; i < 200; i++) h.processElement1(embedding(i, 0, rng), 0);
            for (int i = 200; i < 300; i++) h.processElement1(embedding(i, 2.0, rng), 0);
            List<DriftReport> out = h.extractOutputValues();
            assertEquals(3, out.size());
            DriftReport first = out.get(0);
            assertNull(first.getMmd2(), "the first window has no reference");
            assertEquals(4.0, first.getLoss(), 1e-9);
            assertEquals(7, first.getLearnerStep());
            assertEquals(1000, first.getWindowStart().toEpochMilli());
            assertEquals(1099, first.getWindowEnd().toEpochMilli());
            assertNotNull(first.getCollapseStd());
            assertTrue(out.get(1).getMmdPValue() > 0.05, "same distribution: p " + out.get(1).getMmdPValue());
            assertTrue(out.get(2).getMmdPValue() < 0.01, "shifted: p " + out.get(2).getMmdPValue());
            assertEquals(0L, out.get(2).getReferenceWindowIndex());
        }
    }

    @Test
    void reportsTheLastPartialWindowAtTheEndOfInput() throws Exception {
        SplittableRandom rng = new SplittableRandom(2);
        try (var h = new TwoInputStreamOperatorTestHarness<Embedding, StepStats, DriftReport>(
                new DriftOperator(100, DriftReference.PREVIOUS, 64, 10, 42))) {
            h.open();
            for (int i = 0; i < 130; i++) h.processElement1(embedding(i, 0, rng), 0);
            h.endInput1();
            List<DriftReport> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertEquals(30, out.get(1).getSampleCount());
        }
    }
}
