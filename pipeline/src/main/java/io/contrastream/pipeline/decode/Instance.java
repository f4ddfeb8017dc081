package io.contrastream.pipeline.decode;

import io.contrastream.pipeline.io.BulkFloats;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** A validated sample inside the job: id, event time, finite values of the configured shape, optional label. */
public class Instance {
    /** Label value meaning "none"; labels are for evaluation only and never reach the learner. */
    public static final int NO_LABEL = -1;

    public String id;
    public long eventTime;
    @TypeInfo(BulkFloats.Field.class)
    public float[] values;
    public int label = NO_LABEL;

    public Instance() {}

    public Instance(String id, long eventTime, float[] values, int label) {
        this.id = id;
        this.eventTime = eventTime;
        this.values = values;
        this.label = label;
    }
}
