package io.contrastream.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.contrastream.pipeline.augment.ViewPair;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BatchOperatorTest {

    private static ViewPair pair(int i) {
        return new ViewPair("s" + i, new float[] {i, i}, new float[] {-i, -i}, new float[] {10 * i, 10 * i});
    }

    private static OneInputStreamOperatorTestHarness<ViewPair, PairBatch> harness(int size, long timeout) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new BatchOperator(size, timeout));
    }

    @Test
    void emitsAFullBatchFlattenedInArrivalOrder() throws Exception {
        try (var h = harness(3, 1000)) {
            h.open();
            for (int i = 0; i < 7; i++) h.processElement(pair(i), 0);
            List<PairBatch> out = h.extractOutputValues();
            assertEquals(2, out.size());
            assertArrayEquals(new float[] {3, 3, 4, 4, 5, 5}, out.get(1).first);
            assertArrayEquals(new float[] {-3, -3, -4, -4, -5, -5}, out.get(1).second);
            assertArrayEquals(new String[] {"s3", "s4", "s5"}, out.get(1).ids);
            assertArrayEquals(new float[] {30, 30, 40, 40, 50, 50}, out.get(1).raw);
        }
    }

    @Test
    void pairsWithoutViewsBecomeABatchOfRawSamplesForTheLearnerToAugment() throws Exception {
        try (var h = harness(3, 1000)) {
            h.open();
            h.processElement(new ViewPair("a", null, null, new float[] {1, 2}), 0);
            h.processElement(pair(5), 0);   // one with views among them (a state from before): none travel
            h.processElement(new ViewPair("b", null, null, new float[] {3, 4}), 0);
            PairBatch b = h.extractOutputValues().get(0);
            assertNull(b.first);
            assertNull(b.second);
            assertArrayEquals(new float[] {1, 2, 50, 50, 3, 4}, b.raw);
        }
    }

    @Test
    void closesAPartialBatchWhenItsOldestPairHasWaitedTheTimeout() throws Exception {
        try (var h = harness(100, 500)) {
            h.open();
            h.setProcessingTime(1000);
            h.processElement(pair(0), 0);
            h.setProcessingTime(1400);
            h.processElement(pair(1), 0);
            assertEquals(0, h.extractOutputValues().size());
            h.setProcessingTime(1500);
            assertEquals(1, h.extractOutputValues().size());
            assertEquals(2, h.extractOutputValues().get(0).size);
        }
    }

    @Test
    void aBatchClosedByTimeoutCarriesItsNewestRecordsLagOnArrivalNotItsWait() throws Exception {
        try (var h = harness(100, 500)) {
            h.open();
            h.setProcessingTime(10_000);
            h.processElement(pair(0), 9_800);          // written to Kafka 200 ms before it arrived
            h.setProcessingTime(10_500);               // the timeout closes the batch 500 ms later
            PairBatch b = h.extractOutputValues().get(0);
            assertEquals(10_500, b.formedMs);
            assertEquals(200, b.formedMs - b.sourceMs, "the lag on arrival, not 700 ms");
        }
    }

    @Test
    void flushesTheRestAtTheEndOfABoundedInput() throws Exception {
        try (var h = harness(100, 60_000)) {
            h.open();
            h.processElement(pair(0), 0);
            h.endInput();
            assertEquals(1, h.extractOutputValues().size());
        }
    }

    @Test
    void pendingPairsSurviveACheckpointAndRestore() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(3, 60_000)) {
            h.open();
            h.processElement(pair(0), 0);
            h.processElement(pair(1), 0);
            state = h.snapshot(1, 1);
        }
        try (var h = harness(3, 60_000)) {
            h.initializeState(state);
            h.open();
            h.processElement(pair(2), 0);
            List<PairBatch> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertArrayEquals(new String[] {"s0", "s1", "s2"}, out.get(0).ids);
        }
    }
}
