package io.contrastream.model.train;

import io.contrastream.model.state.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * A reservoir of raw samples seen by the learner (Vitter's algorithm R: every sample seen so far is kept with equal
 * probability), from which spare learner capacity draws batches to re-augment and train on, so a slow stream is still
 * read once but used many times. Each row keeps its sample id (a {@link SampleIds} fingerprint), so a replayed sample
 * is still masked against its own queued keys. Labels never enter it.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final int width;
    private static final String KIND = "replay-buffer";
    /** 3: {@link StateCodec}; 2 ("RPL2") and 1 (no ids) came before it, see {@link #restoreLegacy(byte[])}. */
    private static final int FORMAT = 3;
    private static final int RPL2 = 0x52504C32;
    private final float[] rows;      // capacity × width, row-major
    private final long[] ids;        // capacity
    private final long seed;
    private long seen;

    public ReplayBuffer(int capacity, int width, long seed) {
        if (capacity <= 0) throw new IllegalArgumentException("replay capacity must be > 0, got " + capacity);
        this.capacity = capacity;
        this.width = width;
        this.rows = new float[Math.multiplyExact(capacity, width)];
        this.ids = new long[capacity];
        this.seed = seed ^ 0x5245504CL;
    }

    /** Offers n rows (row-major, {@code width} values each) without ids. */
    public void add(float[] batch, int n) {
        add(batch, null, n);
    }

    /** Offers n rows (row-major, {@code width} values each) with their sample ids (null = unknown). */
    public void add(float[] batch, long[] batchIds, int n) {
        for (int i = 0; i < n; i++) {
            seen++;
            // The draw depends only on (seed, seen), so the buffer's whole state is its rows and its count.
            long slot = seen <= capacity ? seen - 1 : new SplittableRandom(seed + seen * 0x9E3779B97F4A7C15L).nextLong(seen);
            if (slot < capacity) {
                System.arraycopy(batch, i * width, rows, (int) slot * width, width);
                ids[(int) slot] = batchIds == null ? 0 : batchIds[i];
            }
        }
    }

    /** n rows drawn uniformly with replacement from what is held, row-major; empty before anything was added. */
    public float[] sample(int n, SplittableRandom rng) {
        return sample(n, rng, null);
    }

    /** As {@link #sample(int, SplittableRandom)}, also writing the drawn rows' ids into {@code outIds} if not null. */
    public float[] sample(int n, SplittableRandom rng, long[] outIds) {
        int held = size();
        if (held == 0) return new float[0];
        float[] out = new float[n * width];
        for (int i = 0; i < n; i++) {
            int r = rng.nextInt(held);
            System.arraycopy(rows, r * width, out, i * width, width);
            if (outIds != null) outIds[i] = ids[r];
        }
        return out;
    }

    public int size() {
        return (int) Math.min(seen, capacity);
    }

    public long seen() {
        return seen;
    }

    public byte[] save() {
        int held = size();
        return new StateCodec.Writer(KIND, FORMAT, 256 + held * (4 * width + 8))
                .section("shape", out -> {
                    out.writeInt(capacity);
                    out.writeInt(width);
                })
                .section("seen", out -> out.writeLong(seen))
                .section("rows", out -> StateCodec.writeFloats(out, rows, held * width))
                .section("ids", out -> {
                    for (int i = 0; i < held; i++) out.writeLong(ids[i]);
                })
                .toBytes();
    }

    /** Restores a saved buffer (of this format or an earlier one); a buffer of another capacity or width is refused by name. */
    public void restore(byte[] saved) {
        if (!StateCodec.encoded(saved)) {
            restoreLegacy(saved);
            return;
        }
        StateCodec.Reader r = new StateCodec.Reader(saved, KIND, FORMAT);
        r.read("shape", in -> checkShape(in.readInt(), in.readInt()));
        long savedSeen = r.section("seen", DataInputStream::readLong);
        int held = (int) Math.min(savedSeen, capacity);
        float[] savedRows = r.section("rows", StateCodec::readFloats);
        long[] savedIds = r.section("ids", in -> {
            long[] v = new long[held];
            for (int i = 0; i < held; i++) v[i] = in.readLong();
            return v;
        });
        if (savedRows.length != held * width) {
            throw new IllegalStateException("corrupt replay state: " + savedRows.length + " values for " + held + " rows of " + width);
        }
        seen = savedSeen;
        System.arraycopy(savedRows, 0, rows, 0, savedRows.length);
        System.arraycopy(savedIds, 0, ids, 0, held);
    }

    /** Formats 1 and 2, from before {@link StateCodec}: 2 began with "RPL2", 1 with the capacity and had no ids. */
    private void restoreLegacy(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int first = in.readInt();
            boolean withIds = first == RPL2;
            checkShape(withIds ? in.readInt() : first, in.readInt());
            seen = in.readLong();
            int n = size() * width;
            for (int i = 0; i < n; i++) rows[i] = in.readFloat();
            for (int i = 0; i < size(); i++) ids[i] = withIds ? in.readLong() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt replay state", e);
        }
    }

    private void checkShape(int savedCapacity, int savedWidth) {
        if (savedCapacity != capacity || savedWidth != width) {
            throw new IllegalStateException("replay buffer state holds " + savedCapacity + " rows of " + savedWidth
                    + " values but the job is configured for " + capacity + " rows of " + width);
        }
    }
}
