package io.contrastream.pipeline.train;

import io.contrastream.model.encoder.EncoderConfig;
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

    public static Snapshot fromAvro(EncoderSnapshot s) {
        List<Float> w = s.getWeights();
        float[] weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = w.get(i);
        return new Snapshot(s.getVersion(), s.getStep(), EncoderConfig.fromJson(s.getConfig()), weights);
    }
}
