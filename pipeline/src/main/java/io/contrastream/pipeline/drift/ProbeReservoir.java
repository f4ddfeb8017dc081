package io.contrastream.pipeline.drift;

import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.eval.Evaluation;
import io.contrastream.model.state.StateCodec;
import io.contrastream.pipeline.decode.Instance;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * A seeded uniform reservoir of held-out labelled probe samples, and the online kNN monitor on it: half the probes
 * are the bank, half the queries (kNN-20, votes weighted by exp(cos/0.07)), embedded by the current encoder.
 */
final class ProbeReservoir {

    private static final String KIND = "probe-reservoir";
    /** 2: {@link StateCodec}; 1 came before it, see {@link #restoreLegacy(byte[])}. */
    private static final int FORMAT = 2;

    private final int capacity;
    private final float[][] values;
    private final int[] labels;
    private final long seed;
    private long seen;

    ProbeReservoir(int capacity, long seed) {
        this.capacity = capacity;
        this.values = new float[capacity][];
        this.labels = new int[capacity];
        this.seed = seed ^ 0x4B4E4EL;
    }

    void add(Instance x) {
        seen++;
        // The draw depends only on (seed, seen), so a restored reservoir continues exactly like the original.
        long slot = seen <= capacity ? seen - 1 : new SplittableRandom(seed + seen * 0x9E3779B97F4A7C15L).nextLong(seen);
        if (slot < capacity) {
            values[(int) slot] = x.values;
            labels[(int) slot] = x.label;
        }
    }

    int size() {
        return (int) Math.min(seen, capacity);
    }

    /** kNN-20 accuracy in percent with the encoder's features, or with raw features when {@code encoder} is null. */
    Double knnAccuracy(FrozenEncoder encoder) {
        int n = size();
        if (n < 20) return null;
        int classes = 0;
        for (int i = 0; i < n; i++) classes = Math.max(classes, labels[i] + 1);
        float[][] held = java.util.Arrays.copyOf(values, n);
        float[][] features = encoder == null ? held : encoder.embed(held);
        int half = n / 2;
        float[][] bank = new float[half][];
        float[][] queries = new float[n - half][];
        int[] bankLabels = new int[half];
        int[] queryLabels = new int[n - half];
        for (int i = 0; i < n; i++) {
            if (i < half) { bank[i] = features[i]; bankLabels[i] = labels[i]; }
            else { queries[i - half] = features[i]; queryLabels[i - half] = labels[i]; }
        }
        return 100 * Evaluation.knn(bank, bankLabels, queries, queryLabels, classes, new int[] {20}, 0.07)[0];
    }

    byte[] save() {
        return new StateCodec.Writer(KIND, FORMAT)
                .section("seen", out -> out.writeLong(seen))
                .section("probes", this::writeProbes)
                .toBytes();
    }

    /** Restores a saved reservoir (of this format or the one before it). */
    void restore(byte[] saved) {
        if (!StateCodec.encoded(saved)) {
            restoreLegacy(saved);
            return;
        }
        StateCodec.Reader r = new StateCodec.Reader(saved, KIND, FORMAT);
        seen = r.section("seen", DataInputStream::readLong);
        r.read("probes", this::readProbes);
    }

    /** Format 1, from before {@link StateCodec}: the sections' contents one after the other, without names. */
    private void restoreLegacy(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            seen = in.readLong();
            readProbes(in);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt probe state", e);
        }
    }

    private void writeProbes(DataOutputStream out) throws IOException {
        int n = size();
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeInt(labels[i]);
            StateCodec.writeFloats(out, values[i], values[i].length);
        }
    }

    private void readProbes(DataInputStream in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n && i < capacity; i++) {
            labels[i] = in.readInt();
            values[i] = StateCodec.readFloats(in);
        }
    }
}
