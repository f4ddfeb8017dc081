package io.contrastream.pipeline.common;

import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.linalg.Blas;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;

/**
 * The newest encoder snapshot an operator has seen, with its rebuilt encoder and alignment; older versions are
 * ignored. Vectors come out in the snapshot's serving space (the encoder's embeddings times its alignment).
 */
public final class EncoderHolder {

    private EncoderSnapshot snapshot;
    private FrozenEncoder encoder;
    private float[] alignment;   // null: the identity

    /** Takes the snapshot if it is newer than the one held; returns whether it did. */
    public boolean offer(EncoderSnapshot s) {
        if (snapshot != null && s.getVersion() <= snapshot.getVersion()) return false;
        Snapshot model = Snapshots.fromAvro(s);
        encoder = model.frozen();
        alignment = Snapshots.alignment(s);
        snapshot = s;
        return true;
    }

    public boolean ready() { return encoder != null; }

    public FrozenEncoder encoder() { return encoder; }

    /**
     * Served vectors of n input rows given row-major: n×embeddingDim, in the snapshot's space. On this thread alone:
     * operators embed in parallel subtasks of their own, and the helper thread is the learner's.
     */
    public float[][] embed(float[] rows, int n) {
        return Blas.alone(() -> encoder.embed(rows, n, alignment));
    }

    /** Served vectors of the given rows (one array each), in the snapshot's space. */
    public float[][] embed(float[][] rows) {
        return Blas.alone(() -> encoder.embed(rows, alignment, done -> {}));
    }

    /** The held snapshot's space id, or null. */
    public String spaceId() { return snapshot == null ? null : snapshot.getSpaceId(); }

    /** Takes the newest of the snapshots an operator saved in its state. */
    public void restore(Iterable<EncoderSnapshot> saved) {
        for (EncoderSnapshot s : saved) offer(s);
        // Copied once into FloatLists, which the checkpoints write in bulk: a state from before SnapshotState was read
        // by Flink's Avro serializer, into Avro's lists, which the codec writes float by float.
        if (snapshot != null) snapshot = AvroCodec.copy(snapshot);
    }

    /** What an operator saves in its state: the held snapshot, if any. */
    public List<EncoderSnapshot> saved() {
        return snapshot == null ? List.of() : List.of(snapshot);
    }

    /** The held version, or -1 before the first snapshot. */
    public long version() { return snapshot == null ? -1 : snapshot.getVersion(); }
}
