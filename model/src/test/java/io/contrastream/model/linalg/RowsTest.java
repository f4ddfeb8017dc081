package io.contrastream.model.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class RowsTest {

    @Test
    void aZeroRowStaysZeroAndEveryOtherRowHasUnitLength() {
        float[][] rows = {{3, 4}, {0, 0}, {1e-20f, 0}};
        double[][] unit = Rows.normalize(rows);
        assertArrayEquals(new double[] {0.6, 0.8}, unit[0], 1e-15);
        assertArrayEquals(new double[] {0, 0}, unit[1]);
        // A tiny row is divided by the floor, not by its own norm: it stays tiny rather than blowing up.
        assertEquals(1e-20 / Rows.EPS, unit[2][0], 1e-15);
    }

    @Test
    void everyFormScalesAlikeAndReturnsTheNormsItDividedBy() {
        float[] row = {1, -2, 2};
        float[] into = new float[5];
        Rows.normalizeInto(row, into, 1);
        assertArrayEquals(new float[] {0, 1 / 3f, -2 / 3f, 2 / 3f, 0}, into, 1e-7f);

        double[] flat = {1, -2, 2, 0, 0, 0};
        assertArrayEquals(new double[] {3, Rows.EPS}, Rows.normalize(flat, 3));
        assertArrayEquals(new double[] {1 / 3.0, -2 / 3.0, 2 / 3.0, 0, 0, 0}, flat, 1e-15);

        var m = Nd4j.create(new float[][] {row, {0, 0, 0}});
        assertArrayEquals(new double[] {3, Rows.EPS}, Rows.normalize(m));
        assertArrayEquals(new float[] {1 / 3f, -2 / 3f, 2 / 3f, 0, 0, 0}, m.data().asFloat(), 1e-7f);
    }

    @Test
    void anArrayItCannotWalkAsRowsIsRejected() {
        var m = Nd4j.create(new float[][] {{1, 2}, {3, 4}});
        assertThrows(IllegalArgumentException.class, () -> Rows.normalize(m.dup('f')));
        assertThrows(IllegalArgumentException.class, () -> Rows.normalize(m.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all())));
        assertThrows(IllegalArgumentException.class, () -> Rows.normalize(m.castTo(DataType.DOUBLE)));
    }

    @Test
    void aMatrixIsRowsOfOneWidthAndFiniteValues() {
        assertEquals(2, Rows.requireMatrix(new float[][] {{1, 2}, {3, 4}}, "x", 2, -1));
        assertEquals(2, Rows.requireMatrix(new float[][] {{1, 2}}, "x", 1, 2));
        assertMessage("x must not be null", () -> Rows.requireMatrix(null, "x", 1, -1));
        assertMessage("x must have 2 or more rows, got 1", () -> Rows.requireMatrix(new float[][] {{1}}, "x", 2, -1));
        assertMessage("x must have at least one column", () -> Rows.requireMatrix(new float[][] {{}}, "x", 1, -1));
        assertMessage("x row 1 must have 2 columns", () -> Rows.requireMatrix(new float[][] {{1, 2}, {3}}, "x", 1, -1));
        assertMessage("x row 0 must have 3 columns", () -> Rows.requireMatrix(new float[][] {{1, 2}}, "x", 1, 3));
        assertMessage("x row 0 contains a non-finite value", () -> Rows.requireMatrix(new float[][] {{Float.NaN}}, "x", 1, -1));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
