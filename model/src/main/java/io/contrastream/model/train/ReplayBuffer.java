package io.contrastream.model.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
    private static final int MAGIC = 0x52504C32;   // "RPL2": with sample ids; the first format began with the capacity
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(capacity);
            out.writeInt(width);
            out.writeLong(seen);
            int n = size() * width;
            for (int i = 0; i < n; i++) out.writeFloat(rows[i]);
            for (int i = 0; i < size(); i++) out.writeLong(ids[i]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores a saved buffer; a buffer of another capacity or width is refused by name. */
    public void restore(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int first = in.readInt();
            boolean withIds = first == MAGIC;
            int c = withIds ? in.readInt() : first;
            int w = in.readInt();
            if (c != capacity || w != width) {
                throw new IllegalStateException("replay buffer state holds " + c + " rows of " + w
                        + " values but the job is configured for " + capacity + " rows of " + width);
            }
            seen = in.readLong();
            int n = size() * width;
            for (int i = 0; i < n; i++) rows[i] = in.readFloat();
            for (int i = 0; i < size(); i++) ids[i] = withIds ? in.readLong() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt replay state", e);
        }
    }
}
