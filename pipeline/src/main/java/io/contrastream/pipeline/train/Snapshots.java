package io.contrastream.pipeline.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.Snapshot;
import io.contrastream.schema.EncoderSnapshot;
import java.util.ArrayList;
import java.util.List;

/** Converts between the learner's snapshots and their Avro form on the wire. */
public final class Snapshots {

    private Snapshots() {}

    public static EncoderSnapshot toAvro(Snapshot s) {
        List<Float> w = new ArrayList<>(s.weights().length);
        for (float f : s.weights()) w.add(f);
        return EncoderSnapshot.newBuilder().setVersion(s.version()).setStep(s.step())
                .setConfig(s.config().toJson()).setWeights(w).build();
    }

    /** A served version: the snapshot with its space id and alignment. */
    public static EncoderSnapshot toAvro(ServingSpace.Served s) {
        EncoderSnapshot out = toAvro(s.snapshot());
        out.setSpaceId(s.spaceId());
        out.setAlignment(s.rotation() == null ? null : floats(s.rotation()));
        return out;
    }

    /** The alignment of a snapshot (row-major E×E), or null for the identity. */
    public static float[] alignment(EncoderSnapshot s) {
        List<Float> a = s.getAlignment();
        if (a == null) return null;
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i);
        return out;
    }

    private static List<Float> floats(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) out.add(f);
        return out;
    }

    public static Snapshot fromAvro(EncoderSnapshot s) {
        List<Float> w = s.getWeights();
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = w.get(i);
        return new Snapshot(s.getVersion(), s.getStep(), EncoderConfig.fromJson(s.getConfig()), weights);
    }
}
