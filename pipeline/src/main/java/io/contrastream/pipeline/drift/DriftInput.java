package io.contrastream.pipeline.drift;

import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.io.RecordTypeInfo;
import io.contrastream.schema.EncoderSnapshot;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** One of the drift operator's three inputs, as a tagged union: a raw sample, an encoder snapshot or step stats. */
public class DriftInput {
    public Instance sample;
    @TypeInfo(RecordTypeInfo.SnapshotField.class)   // not Flink's boxing Avro serializer: see RecordTypeInfo
    public EncoderSnapshot snapshot;
    public StepStats stats;

    public DriftInput() {}

    public static DriftInput of(Instance sample) {
        DriftInput d = new DriftInput();
        d.sample = sample;
        return d;
    }

    public static DriftInput of(EncoderSnapshot snapshot) {
        DriftInput d = new DriftInput();
        d.snapshot = snapshot;
        return d;
    }

    public static DriftInput of(StepStats stats) {
        DriftInput d = new DriftInput();
        d.stats = stats;
        return d;
    }
}
