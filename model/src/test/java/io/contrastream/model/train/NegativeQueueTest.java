package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NegativeQueueTest {

    /** Rows whose single feature is the row's global sequence number, so order is visible. */
    private static INDArray rows(int from, int n) {
        INDArray a = Nd4j.create(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            a.putScalar(i, 0, from + i);
            a.putScalar(i, 1, -(from + i));
        }
        return a;
    }

    @Test
    void handsOutOnlyFilledRowsUntilFull() {
        NegativeQueue q = new NegativeQueue(8, 2, DataType.FLOAT);
        assertEquals(0, q.negatives().size(0));
        q.enqueue(rows(0, 3));
        assertEquals(3, q.negatives().size(0));
        assertEquals(3 / 8.0, q.fill());
    }

    @Test
    void wrapsAroundAndKeepsTheNewestInAgeOrder() {
        NegativeQueue q = new NegativeQueue(5, 2, DataType.FLOAT);
        q.enqueue(rows(0, 3));
        q.enqueue(rows(3, 4));   // 0..6 written into 5 slots: 2..6 survive
        assertEquals(5, q.size());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(new float[] {2 + i, -(2 + i)}, q.oldest(i));
        }
        assertEquals(5, q.negatives().size(0));
    }

    @Test
    void aBatchLargerThanTheQueueKeepsItsNewestKeys() {
        NegativeQueue q = new NegativeQueue(4, 2, DataType.FLOAT);
        q.enqueue(rows(0, 10));
        for (int i = 0; i < 4; i++) assertArrayEquals(new float[] {6 + i, -(6 + i)}, q.oldest(i));
    }

    @Test
    void rejectsANonPositiveCapacity() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NegativeQueue(0, 2, DataType.FLOAT));
        assertEquals("queue capacity must be > 0, got 0", e.getMessage());
    }

    @Test
    void ageMedianAndMaxAgreeWithSortingTheAgesWhileFillingAndAfterWrapping() {
        NegativeQueue q = new NegativeQueue(10, 2, DataType.FLOAT);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (long step = 0; step < 12; step++) {
            int n = 1 + rng.nextInt(7);
            q.enqueue(Nd4j.rand(DataType.FLOAT, n, 2), null, step);
            long now = step + 1;
            long[] ages = new long[q.size()];
            for (int j = 0; j < ages.length; j++) ages[j] = q.age(j, now);
            java.util.Arrays.sort(ages);
            assertArrayEquals(new long[] {ages[ages.length / 2], ages[ages.length - 1]}, q.ageMedianAndMax(now), "after step " + step);
        }
    }
}
