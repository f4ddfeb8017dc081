package io.contrastream.pipeline.embed;

import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.train.Snapshots;
import io.contrastream.schema.EncoderSnapshot;

/** The newest encoder snapshot an operator has seen, with its rebuilt encoder; older versions are ignored. */
public final class EncoderHolder {

    private EncoderSnapshot snapshot;
    private FrozenEncoder encoder;

    /** Takes the snapshot if it is newer than the one held; returns whether it did. */
    public boolean offer(EncoderSnapshot s) {
        if (snapshot != null && s.getVersion() <= snapshot.getVersion()) return false;
        Snapshot model = Snapshots.fromAvro(s);
        encoder = new FrozenEncoder(model.config(), model.weights());
        snapshot = s;
        return true;
    }

    public boolean ready() { return encoder != null; }

    public FrozenEncoder encoder() { return encoder; }

    /** The held snapshot, or null. */
    public EncoderSnapshot snapshot() { return snapshot; }

    /** The held version, or -1 before the first snapshot. */
    public long version() { return snapshot == null ? -1 : snapshot.getVersion(); }
}
