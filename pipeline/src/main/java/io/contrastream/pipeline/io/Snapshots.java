package io.contrastream.pipeline.io;

import io.contrastream.model.data.Standardization;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.Snapshot;
import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.InputStandardization;
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

    /** A copy of the values, unboxed whichever way the record was decoded. */
    private static float[] floats(List<Float> v) {
        return FloatList.toArray(v);
    }

    /** A copy (the learner's arrays stay its own) that encodes without a Float per value. */
    private static List<Float> floats(float[] v) {
        return FloatList.wrap(v.clone());
    }

    public static Snapshot fromAvro(EncoderSnapshot s) {
        InputStandardization z = s.getInputStandardization();
        return new Snapshot(s.getVersion(), s.getStep(), EncoderConfig.fromJson(s.getConfig()), floats(s.getWeights()),
                z == null ? null : new Standardization(floats(z.getMean()), floats(z.getStd())));
    }
}
