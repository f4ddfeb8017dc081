package io.contrastream.model.serve;

import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.linalg.Rows;
import io.contrastream.model.state.StateCodec;
import io.contrastream.model.train.Compatibility;
import io.contrastream.model.train.Snapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The chain of served encoder versions that share one embedding space. A new learner snapshot is served with an
 * orthogonal alignment R (fitted by {@link Procrustes} on a fixed set of anchor inputs so that its vectors land where the
 * previously served version put them), and becomes the anchor of the learner's {@link Compatibility} term, so the next
 * version is trained to stay comparable with it. Anchor inputs are the first raw samples of the stream.
 *
 * <p>Consumers see {@code encoder(x)·R}: cosines within one version are unchanged by R, and across versions the
 * vectors of one sample stay close, which is what an index fed by the stream needs.
 */
public final class ServingSpace {

    /** How new versions are kept comparable: not at all, by alignment, by the compatibility term, or by both. */
    public enum Mechanism {
        NONE(false, false), ALIGN(true, false), COMPAT(false, true), COMPAT_ALIGN(true, true);

        final boolean align;
        final boolean compat;

        Mechanism(boolean align, boolean compat) {
            this.align = align;
            this.compat = compat;
        }

        public boolean trains() { return compat; }
    }

    /** A version as served: the snapshot, its alignment (E×E, row-major; null = identity) and its space. */
    public record Served(Snapshot snapshot, float[] rotation, String spaceId) {
        /** The served vectors of n input rows (row-major): the encoder's embeddings times the alignment. */
        public float[][] embed(FrozenEncoder encoder, float[] rows, int n) {
            return encoder.embed(rows, n, rotation);
        }

        /** As {@link #embed(FrozenEncoder, float[], int)}, for rows given one array each. */
        public float[][] embed(FrozenEncoder encoder, float[][] rows) {
            return encoder.embed(rows, rotation, done -> {});
        }
    }

    static final int MAGIC = 0x53525631;   // "SRV1"
    static final int MIN_ANCHORS = 256;

    private final Mechanism mechanism;
    private final int inputSize;
    private final float[][] anchors;
    private int anchorCount;
    private String spaceId;
    private Served served;
    private float[][] servedAnchors;   // the served version's vectors of the anchors, cached
    private boolean alignToMean;       // align onto the mean of every served version's anchor vectors (an ablation)
    private double[][] anchorSum;
    private int servedCount;
    private byte[] saved;              // the last save(), with what it was made of
    private int savedAnchors;
    private Served savedServed;
    private String savedSpace;

    /** {@code capacity} anchor inputs of {@code inputSize} values; {@code spaceId} names a new space. */
    public ServingSpace(Mechanism mechanism, int capacity, int inputSize, String spaceId) {
        if (capacity < MIN_ANCHORS) throw new IllegalArgumentException("need at least " + MIN_ANCHORS + " anchors, got " + capacity);
        this.mechanism = mechanism;
        this.inputSize = inputSize;
        this.anchors = new float[capacity][];
        this.spaceId = spaceId;
    }

    /** Aligns each new version onto the mean served vectors of all versions so far, not the last one. */
    public void alignToMean() {
        alignToMean = true;
    }

    /** Offers n raw input rows (row-major); they become anchors while there is room. */
    public void offer(float[] raw, int n) {
        for (int i = 0; i < n && anchorCount < anchors.length; i++) {
            anchors[anchorCount++] = Arrays.copyOfRange(raw, i * inputSize, (i + 1) * inputSize);
        }
    }

    /**
     * Serves a new snapshot: aligns it to the previously served version (when the mechanism aligns and enough anchors
     * exist) and, when the mechanism trains, makes it the anchor of {@code compatibility}.
     */
    public Served serve(Snapshot s, Compatibility compatibility) {
        float[] rotation = null;
        float[][] mine = null;
        if (mechanism.align && anchorCount >= MIN_ANCHORS) {
            FrozenEncoder encoder = s.frozen();
            mine = encoder.embed(Arrays.copyOf(anchors, anchorCount));                          // n×E: raw vectors
            if (served != null && (servedAnchors == null || servedAnchors.length != anchorCount)) {
                // After a restore or a warm start, or once more anchors came in: the served version's vectors anew.
                Snapshot last = served.snapshot();
                servedAnchors = served.embed(last.frozen(), flat(), anchorCount);
            }
            if (served != null) {
                rotation = Procrustes.fit(mine, servedAnchors);                                 // E×E: onto the served space
                // n×E: served vectors, through the very path a restored space recomputes them by (Served.embed), so
                // a restored chain aligns its next version exactly as the uninterrupted one.
                mine = encoder.embed(flat(), anchorCount, rotation);
            }
        }
        served = new Served(s, rotation, spaceId);
        servedAnchors = mine;
        if (alignToMean && mine != null) {
            if (anchorSum == null) anchorSum = new double[mine.length][mine[0].length];
            servedCount++;
            float[][] mean = new float[mine.length][mine[0].length];
            for (int i = 0; i < mine.length; i++) {
                double[] unit = Rows.normalize(mine[i]);
                for (int j = 0; j < mine[i].length; j++) {
                    anchorSum[i][j] += unit[j];
                    mean[i][j] = (float) (anchorSum[i][j] / servedCount);
                }
            }
            servedAnchors = mean;
        }
        if (mechanism.compat && compatibility != null) compatibility.anchor(s.config(), s.weights(), s.version());
        return served;
    }

    public String spaceId() { return spaceId; }

    public int anchorCount() { return anchorCount; }

    /**
     * The anchors, the space id and the served version's alignment; the served weights are the caller's to keep. The
     * bytes are kept until one of those changes: the anchors fill once, and a checkpoint every second re-encoded
     * megabytes that rarely change. Callers must not modify the returned array.
     */
    public byte[] save() throws IOException {
        if (saved != null && savedAnchors == anchorCount && savedServed == served && savedSpace.equals(spaceId)) return saved;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 4 * inputSize * anchorCount);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(spaceId);
            out.writeInt(inputSize);
            out.writeInt(anchorCount);
            for (int i = 0; i < anchorCount; i++) StateCodec.writeValues(out, anchors[i], inputSize);
            float[] r = served == null ? null : served.rotation();
            out.writeInt(r == null ? 0 : r.length);
            if (r != null) StateCodec.writeValues(out, r, r.length);
        }
        saved = bytes.toByteArray();
        savedAnchors = anchorCount;
        savedServed = served;
        savedSpace = spaceId;
        return saved;
    }

    /**
     * Restores anchors, space id and the served version (whose snapshot the caller kept), re-deriving the cached served
     * vectors and the compatibility anchor, so the chain continues as if never stopped.
     */
    public void restore(byte[] state, Snapshot servedSnapshot, Compatibility compatibility) throws IOException {
        saved = null;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readInt() != MAGIC) throw new IOException("not a serving-space state");
            spaceId = in.readUTF();
            int d = in.readInt();
            if (d != inputSize) throw new IOException("serving-space state has inputs of " + d + " values, the job " + inputSize);
            anchorCount = Math.min(in.readInt(), anchors.length);
            for (int i = 0; i < anchorCount; i++) {
                anchors[i] = new float[d];
                StateCodec.readValues(in, anchors[i]);
            }
            int rl = in.readInt();
            float[] r = rl == 0 ? null : new float[rl];
            if (r != null) StateCodec.readValues(in, r);
            if (servedSnapshot == null) return;
            continueFrom(new Served(servedSnapshot, r, spaceId), compatibility);
        }
    }

    /**
     * Continues a space from a version served before (restored, or found on the snapshot topic after the checkpoints
     * were lost): the next version is aligned onto it and, when the mechanism trains, trained against it.
     */
    public void continueFrom(Served last, Compatibility compatibility) {
        if (last.spaceId() != null) spaceId = last.spaceId();   // a version from before spaces starts one
        served = new Served(last.snapshot(), last.rotation(), spaceId);
        servedAnchors = null;   // recomputed on the anchors at the next serve
        Snapshot s = last.snapshot();
        if (mechanism.compat && compatibility != null) compatibility.anchor(s.config(), s.weights(), s.version());
    }

    private float[] flat() {
        float[] out = new float[anchorCount * inputSize];
        for (int i = 0; i < anchorCount; i++) System.arraycopy(anchors[i], 0, out, i * inputSize, inputSize);
        return out;
    }
}
