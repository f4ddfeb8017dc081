package io.contrastream.pipeline.train;

import io.contrastream.model.data.Standardization;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.Snapshot;
import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.InputStandardization;
import java.util.ArrayList;
import java.util.List;

/** Converts between the learner's snapshots and their Avro form on the wire. */
public final class Snapshots {

    private Snapshots() {}

    public static EncoderSnapshot toAvro(Snapshot s) {
        Standardization z = s.input();
        return EncoderSnapshot.newBuilder().setVersion(s.version()).setStep(s.step())
                .setConfig(s.config().toJson()).setWeights(floats(s.weights()))
                .setInputStandardization(z == null ? null : new InputStandardization(floats(z.mean()), floats(z.std()))).build();
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
        return s.getAlignment() == null ? null : floats(s.getAlignment());
    }

    private static float[] floats(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        return out;
    }

    private static List<Float> floats(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) out.add(f);
        return out;
    }

    public static Snapshot fromAvro(EncoderSnapshot s) {
        InputStandardization z = s.getInputStandardization();
        return new Snapshot(s.getVersion(), s.getStep(), EncoderConfig.fromJson(s.getConfig()), floats(s.getWeights()),
                z == null ? null : new Standardization(floats(z.getMean()), floats(z.getStd())));
    }
}
