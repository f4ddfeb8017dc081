package io.contrastream.model.train;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One step's batch as the objectives read it: B positive pairs (row i of both views is one sample), their sample ids
 * and any local crops, staged as encoder inputs in reused off-heap buffers (fresh arrays per step cost page faults).
 * Not thread-safe: one per learner.
 */
final class Batch {

    private final int d;
    private final INDArray[] buffers = new INDArray[2];   // 0: the query encoder's input, 1: the key's or target's
    private float[] view1;
    private float[] view2;
    private float[] locals;   // crop-major: crop c's B rows together (see MultiCrop)
    private int crops;
    private long[] ids;
    private int b;

    Batch(int inputSize) {
        this.d = inputSize;
    }

    /** This step's views, each B rows of D values, row-major; {@code ids} may be null, {@code locals} with 0 crops too. */
    Batch set(float[] view1, float[] view2, float[] locals, int crops, long[] ids, int b) {
        this.view1 = view1;
        this.view2 = view2;
        this.locals = locals;
        this.crops = crops;
        this.ids = ids;
        this.b = b;
        return this;
    }

    /** B: the number of pairs. */
    int b() { return b; }

    /** L: local crops per sample. */
    int crops() { return crops; }

    /** The B samples' {@link SampleIds} fingerprints, or null (unknown). */
    long[] ids() { return ids; }

    /** (1+L)B: the rows of {@link #first}. */
    int queries() { return (1 + crops) * b; }

    /** The sample ids of the rows of {@link #first}: the B ids once for the view and once for each crop (null: unknown). */
    long[] queryIds() {
        if (ids == null || crops == 0) return ids;
        long[] out = new long[queries()];
        for (int c = 0; c <= crops; c++) System.arraycopy(ids, 0, out, c * b, b);
        return out;
    }

    /** (1+L)B×D: view 1, then each local crop's B rows, for the query encoder. */
    INDArray first() {
        return stack(0, view1, b, locals, crops * b);
    }

    /** B×D: view 2, for the key encoder. */
    INDArray second() {
        return stack(1, view2, b, null, 0);
    }

    /** 2B×D: view 1 over view 2, for the query encoder of the symmetric objectives. */
    INDArray pair() {
        return stack(0, view1, b, view2, b);
    }

    /** 2B×D: view 2 over view 1, for their target: row i's target comes from the other view of row i's sample. */
    INDArray swapped() {
        return stack(1, view2, b, view1, b);
    }

    /** {@code a}'s first {@code na} rows over {@code c}'s first {@code nc} in reused buffer {@code which}. */
    private INDArray stack(int which, float[] a, int na, float[] c, int nc) {
        int rows = na + nc;
        if (buffers[which] == null || buffers[which].size(0) != rows) buffers[which] = Nd4j.createUninitialized(DataType.FLOAT, rows, d);
        FloatBuffer buffer = buffers[which].data().asNioFloat();
        buffer.put(0, a, 0, na * d);
        if (nc > 0) buffer.put(na * d, c, 0, nc * d);
        return buffers[which];
    }
}
