package io.contrastream.pipeline.drift;

import io.contrastream.model.drift.RepresentationDrift;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.state.StateCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A fixed set of raw samples (taken from the first reported window) and their embedding under the last encoder
 * version that embedded them: each new version is compared with the previous one on the same probes.
 */
final class RepresentationProbe {

    static final int NEIGHBOURS = 10;
    private static final String KIND = "representation-probe";
    /** 2: {@link StateCodec}; 1 came before it, see {@link #restoreLegacy(byte[])}. */
    private static final int FORMAT = 2;

    private float[][] rows;        // null until fixed
    private float[][] embedded;    // under `version`
    private long version = -1;

    boolean fixed() {
        return rows != null;
    }

    /** Fixes the probe set (once; later calls are ignored). Needs more than {@link #NEIGHBOURS} rows. */
    void fix(float[][] probes) {
        if (rows == null && probes.length > NEIGHBOURS) rows = probes;
    }

    /** How far {@code toVersion} moved the probes from where {@code fromVersion} put them. */
    record Movement(long fromVersion, RepresentationDrift.Result drift) {}

    /**
     * Embeds the probes with the given encoder version and compares with the version that embedded them last; null
     * before the probes are fixed or the first time. An unchanged version is not re-embedded: zero movement.
     */
    Movement update(FrozenEncoder encoder, long encoderVersion) {
        return update(encoder::embed, encoderVersion);
    }

    /**
     * As {@link #update(FrozenEncoder, long)}, with the vectors as served ({@code embed}: rows to served vectors, the
     * version's alignment applied), so the movement is the one an index fed by the stream sees.
     */
    Movement update(java.util.function.UnaryOperator<float[][]> embed, long encoderVersion) {
        if (rows == null) return null;
        if (embedded != null && encoderVersion == version) return new Movement(version, new RepresentationDrift.Result(0, 1));
        float[][] now = embed.apply(rows);
        Movement m = embedded == null ? null : new Movement(version, RepresentationDrift.compare(embedded, now, NEIGHBOURS));
        embedded = now;
        version = encoderVersion;
        return m;
    }

    byte[] save() {
        StateCodec.Writer w = new StateCodec.Writer(KIND, FORMAT).section("version", out -> out.writeLong(version));
        if (rows != null) w.section("rows", out -> StateCodec.writeRows(out, rows));
        if (embedded != null) w.section("embedded", out -> StateCodec.writeRows(out, embedded));
        return w.toBytes();
    }

    /** Restores a saved probe set (of this format or the one before it). */
    void restore(byte[] saved) {
        if (!StateCodec.encoded(saved)) {
            restoreLegacy(saved);
            return;
        }
        StateCodec.Reader r = new StateCodec.Reader(saved, KIND, FORMAT);
        version = r.section("version", DataInputStream::readLong);
        rows = r.has("rows") ? r.section("rows", StateCodec::readRows) : null;
        embedded = r.has("embedded") ? r.section("embedded", StateCodec::readRows) : null;
    }

    /** Format 1, from before {@link StateCodec}: the version, then the rows and their embedding, each -1 if null. */
    private void restoreLegacy(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            version = in.readLong();
            rows = readLegacyRows(in);
            embedded = readLegacyRows(in);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt representation-probe state", e);
        }
    }

    private static float[][] readLegacyRows(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        float[][] m = new float[n][];
        for (int i = 0; i < n; i++) m[i] = StateCodec.readFloats(in);
        return m;
    }
}
