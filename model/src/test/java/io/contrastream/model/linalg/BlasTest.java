package io.contrastream.model.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BlasTest {

    private static INDArray rand(long seed, int r, int c, char order) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, r, c).dup(order);
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, "max difference " + diff);
    }

    @Test
    void matchesNd4jForEveryLayoutOfTheOperands() {
        assertTrue(Blas.direct(), "tests run on the CPU backend");
        for (char oa : new char[] {'c', 'f'}) {
            for (char ob : new char[] {'c', 'f'}) {
                for (char oc : new char[] {'c', 'f'}) {
                    INDArray a = rand(1, 5, 7, oa);
                    INDArray b = rand(2, 7, 3, ob);
                    INDArray c = rand(3, 5, 3, oc);
                    INDArray expected = a.mmul(b).muli(2).addi(c.mul(0.5));
                    Blas.gemm(a, b, c, 2f, 0.5f);
                    assertClose(expected, c);
                }
            }
        }
    }

    @Test
    void handlesTransposedViewsAndColumnSlices() {
        INDArray q = rand(4, 6, 4, 'c');
        INDArray keys = rand(5, 9, 4, 'c');
        INDArray logits = Nd4j.zeros(DataType.FLOAT, 6, 10);
        INDArray tail = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 10));   // 6×9, row stride 10
        Blas.gemm(q, keys.transpose(), tail, 1f, 0f);
        assertClose(q.mmul(keys.transpose()), logits.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 10)));
        assertEquals(0.0, logits.getColumn(0).sumNumber().doubleValue(), 0.0, "column 0 untouched");
    }

    @Test
    void handlesSingleRowAndSingleColumnResults() {
        INDArray ones = Nd4j.ones(DataType.FLOAT, 1, 9);
        INDArray m = rand(8, 9, 5, 'c');
        INDArray row = Nd4j.create(DataType.FLOAT, 1, 5);
        Blas.gemm(ones, m, row, 1f / 9, 0f);
        assertClose(m.mean(true, 0), row);
        INDArray col = Nd4j.create(DataType.FLOAT, 9, 1);
        Blas.gemm(m, Nd4j.ones(DataType.FLOAT, 5, 1), col, 1f, 0f);
        assertClose(m.sum(true, 1), col);
    }

    @Test
    void axpyAndScalMatchTheirDefinitions() {
        INDArray x = rand(6, 3, 4, 'c');
        INDArray y = rand(7, 3, 4, 'c');
        INDArray expected = y.mul(0.25).addi(x.mul(3));
        Blas.scal(0.25f, y);
        Blas.axpy(3f, x, y);
        assertClose(expected, y);
    }

    @Test
    void splitGemmMatchesOneCallForEveryLayoutAndBothSplitDirections() {
        Blas.Threading before = Blas.threading();
        try {
            Blas.threading(Blas.Threading.SPLIT);
            int[][] shapes = {{300, 128, 64}, {64, 128, 300}, {257, 33, 129}};   // m, k, n: split by rows, by columns, odd halves
            for (int[] s : shapes) {
                for (char oa : new char[] {'c', 'f'}) {
                    for (char ob : new char[] {'c', 'f'}) {
                        INDArray a = rand(11, s[0], s[1], oa);
                        INDArray b = rand(12, s[1], s[2], ob);
                        INDArray wide = rand(13, s[0], s[2] + 3, 'c');
                        INDArray c = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 2 + s[2]));   // row stride ≠ n
                        INDArray expected = a.mmul(b).muli(2).addi(c.mul(0.5));
                        assertTrue((long) s[0] * s[1] * s[2] >= SplitGemm.MIN_SPLIT_MACS, "the shape is split");
                        Blas.gemm(a, b, c, 2f, 0.5f);
                        assertClose(expected, c);
                    }
                }
            }
        } finally {
            Blas.threading(before);
        }
    }

    @Test
    void norm2AgreesWithNd4jsToFloatPrecision() {
        INDArray x = rand(31, 1, 100_003, 'c');
        // ND4J returns a float; the double accumulation here is if anything closer to the exact norm.
        assertEquals(x.norm2Number().doubleValue(), Blas.norm2(x), 1e-6 * x.norm2Number().doubleValue());
    }

    @Test
    void theSplitHelperEndsWhenIdleAndAnotherStartsOnDemand() throws InterruptedException {
        Blas.Threading before = Blas.threading();
        try {
            Blas.threading(Blas.Threading.SPLIT);
            INDArray a = rand(21, 256, 128, 'c');
            INDArray b = rand(22, 128, 64, 'c');
            INDArray c = Nd4j.create(DataType.FLOAT, 256, 64);
            Blas.gemm(a, b, c, 1f, 0f);
            assertTrue(HelperThread.alive(), "a split started the helper");
            long deadline = System.nanoTime() + 3 * HelperThread.IDLE_EXIT_NANOS;
            while (HelperThread.alive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertTrue(!HelperThread.alive(), "an idle helper ends, so a finished job's class loader can go");
            Blas.gemm(a, b, c, 1f, 0f);
            assertClose(a.mmul(b), c);
            assertTrue(HelperThread.alive(), "the next split starts a new helper");
        } finally {
            Blas.threading(before);
        }
    }
}
