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
 * read once but used many times. Labels never enter it.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final int width;
    private final float[] rows;      // capacity × width, row-major
    private final long seed;
    private long seen;

    public ReplayBuffer(int capacity, int width, long seed) {
        if (capacity <= 0) throw new IllegalArgumentException("replay capacity must be > 0, got " + capacity);
        this.capacity = capacity;
        this.width = width;
        this.rows = new float[Math.multiplyExact(capacity, width)];
        this.seed = seed ^ 0x5245504CL;
    }

    /** Offers n rows (row-major, {@code width} values each). */
    public void add(float[] batch, int n) {
        for (int i = 0; i < n; i++) {
            seen++;
            // The draw depends only on (seed, seen), so the buffer's whole state is its rows and its count.
            long slot = seen <= capacity ? seen - 1 : new SplittableRandom(seed + seen * 0x9E3779B97F4A7C15L).nextLong(seen);
            if (slot < capacity) System.arraycopy(batch, i * width, rows, (int) slot * width, width);
        }
    }

    /** n rows drawn uniformly with replacement from what is held, row-major; empty before anything was added. */
    public float[] sample(int n, SplittableRandom rng) {
        int held = size();
        if (held == 0) return new float[0];
        float[] out = new float[n * width];
        for (int i = 0; i < n; i++) System.arraycopy(rows, rng.nextInt(held) * width, out, i * width, width);
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
            out.writeInt(capacity);
            out.writeInt(width);
            out.writeLong(seen);
            int n = size() * width;
            for (int i = 0; i < n; i++) out.writeFloat(rows[i]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores a saved buffer; a buffer of another capacity or width is refused by name. */
    public void restore(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int c = in.readInt();
            int w = in.readInt();
            if (c != capacity || w != width) {
                throw new IllegalStateException("replay buffer state holds " + c + " rows of " + w
                        + " values but the job is configured for " + capacity + " rows of " + width);
            }
            seen = in.readLong();
            int n = size() * width;
            for (int i = 0; i < n; i++) rows[i] = in.readFloat();
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt replay state", e);
        }
    }
}
