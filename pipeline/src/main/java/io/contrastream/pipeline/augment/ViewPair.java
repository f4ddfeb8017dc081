package io.contrastream.pipeline.augment;

import io.contrastream.pipeline.io.BulkFloats;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** Two augmented views of one sample: a positive pair. Carries no label: the learner never sees one. */
public class ViewPair {
    public String id;
    @TypeInfo(BulkFloats.Field.class)
    public float[] first;
    @TypeInfo(BulkFloats.Field.class)
    public float[] second;
    /** The un-augmented values, for the learner's replay buffer (re-augmented when replayed). */
    @TypeInfo(BulkFloats.Field.class)
    public float[] raw;

    public ViewPair() {}

    public ViewPair(String id, float[] first, float[] second, float[] raw) {
        this.id = id;
        this.first = first;
        this.second = second;
        this.raw = raw;
    }
}
