package io.contrastream.model.train;

import io.contrastream.model.state.StateCodec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * MoCo's rolling dictionary of negative keys: a K×d ring buffer; each enqueue overwrites the oldest keys.
 *
 * <p>Until it is full only the filled rows are handed out as negatives, so a young stream never trains against
 * placeholder keys. Each row also remembers the sample id it came from and the step that enqueued it, for
 * {@link QueueHygiene} and the queue's age distribution.
 */
public final class NegativeQueue implements LearnerState.Part {

    private final INDArray keys;   // K×d
    private final long[] ids;      // K: sample-id fingerprint of each row (0 = unknown)
    private final long[] steps;    // K: learner step that enqueued each row
    private int head;              // next row to write
    private int size;              // filled rows, ≤ K

    public NegativeQueue(int capacity, int dim, DataType dataType) {
        if (capacity <= 0) throw new IllegalArgumentException("queue capacity must be > 0, got " + capacity);
        if (dim <= 0) throw new IllegalArgumentException("key dimension must be > 0, got " + dim);
        this.keys = Nd4j.zeros(dataType, capacity, dim);
        this.ids = new long[capacity];
        this.steps = new long[capacity];
    }

    /** Appends a B×d block of keys without ids, at step 0. */
    public void enqueue(INDArray batch) {
        enqueue(batch, null, 0);
    }

    /**
     * Appends a B×d block of keys, oldest first, with their sample ids (null = unknown) and the current step; if B
     * exceeds the capacity only the newest K are kept.
     */
    public void enqueue(INDArray batch, long[] batchIds, long step) {
        int capacity = capacity();
        int n = (int) batch.size(0);
        int from = Math.max(0, n - capacity);
        while (from < n) {
            int run = Math.min(n - from, capacity - head);
            keys.get(NDArrayIndex.interval(head, head + run), NDArrayIndex.all())
                    .assign(batch.get(NDArrayIndex.interval(from, from + run), NDArrayIndex.all()));
            for (int i = 0; i < run; i++) {
                ids[head + i] = batchIds == null ? 0 : batchIds[from + i];
                steps[head + i] = step;
            }
            from += run;
            head = (head + run) % capacity;
            size = Math.min(capacity, size + run);
        }
    }

    /** The filled rows (a view, in storage order, not age order): size×d. */
    public INDArray negatives() {
        return size == capacity() ? keys : keys.get(NDArrayIndex.interval(0, size), NDArrayIndex.all());
    }

    /** The i-th oldest key (0 = oldest) as a copy; for tests and inspection. */
    public float[] oldest(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("queue holds " + size + " keys, asked for " + i);
        return keys.getRow(ringRow(i)).toFloatVector();
    }

    /** Sample-id fingerprint of storage row j (the row order of {@link #negatives()}). */
    public long id(int row) { return ids[row]; }

    /** Steps since storage row j was enqueued, at learner step {@code now}. */
    public long age(int row, long now) { return now - steps[row]; }

    /**
     * Median and maximum age in steps of the filled rows at learner step {@code now}; zeros when empty. Rows are
     * written in step order around the ring, so the ages are already sorted from {@link #oldest} on: O(1), where
     * sorting K ages cost milliseconds a step at K = 65,536.
     */
    public long[] ageMedianAndMax(long now) {
        if (size == 0) return new long[] {0, 0};
        return new long[] {now - steps[ringRow(size - 1 - size / 2)], now - steps[ringRow(0)]};
    }

    /** Storage row of the i-th oldest key. */
    private int ringRow(int i) {
        return size < capacity() ? i : (head + i) % capacity();
    }

    public int size() { return size; }

    public int capacity() { return (int) keys.size(0); }

    public int dim() { return (int) keys.size(1); }

    /** Fraction of the capacity that is filled. */
    public double fill() { return size / (double) capacity(); }

    /** Its rows as the "queue" section of a saved learner state: head, fill, the K×d keys, each row's id and step. */
    @Override
    public void save(StateCodec.Writer state) {
        state.section("queue", out -> {
            out.writeInt(head);
            out.writeInt(size);
            LearnerState.writeArray(out, keys);
            for (long id : ids) out.writeLong(id);
            for (long s : steps) out.writeLong(s);
        });
    }

    @Override
    public void restore(StateCodec.Reader state) {
        state.read("queue", in -> {
            int savedHead = in.readInt();
            int savedSize = in.readInt();
            float[] savedKeys = StateCodec.readFloats(in);
            long[] rowIds = new long[capacity()];
            long[] rowSteps = new long[capacity()];
            for (int i = 0; i < rowIds.length; i++) rowIds[i] = in.readLong();
            for (int i = 0; i < rowSteps.length; i++) rowSteps[i] = in.readLong();
            restore(savedKeys, savedHead, savedSize, rowIds, rowSteps);
        });
    }

    /** Sets the queue to saved rows: K×d keys, row-major, and each row's id and enqueue step. */
    void restore(float[] savedKeys, int head, int size, long[] rowIds, long[] rowSteps) {
        LearnerState.assign(keys, savedKeys, "queue");
        System.arraycopy(rowIds, 0, ids, 0, ids.length);
        System.arraycopy(rowSteps, 0, steps, 0, steps.length);
        this.head = head;
        this.size = size;
    }
}
