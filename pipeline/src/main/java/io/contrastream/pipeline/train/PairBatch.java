package io.contrastream.pipeline.train;

import io.contrastream.pipeline.io.BulkFloats;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/** A batch of positive pairs, flattened row-major, ready for one learner step: size × inputSize values per view. */
public class PairBatch {
    public int size;
    public String[] ids;
    @TypeInfo(BulkFloats.Field.class)
    public float[] first;
    @TypeInfo(BulkFloats.Field.class)
    public float[] second;
    /** The un-augmented samples, row-major, for the replay buffer. */
    @TypeInfo(BulkFloats.Field.class)
    public float[] raw;
    /** Processing time (ms) when the batch was formed; -1: unknown. How long it waited tells the learner of a backlog. */
    public long formedMs = -1;
    /** The newest source (Kafka record) time of its samples, ms; -1: unknown. Far behind the clock: a backlog. */
    public long sourceMs = -1;

    public PairBatch() {}

    public PairBatch(int size, String[] ids, float[] first, float[] second, float[] raw) {
        this.size = size;
        this.ids = ids;
        this.first = first;
        this.second = second;
        this.raw = raw;
    }

    public PairBatch formedAt(long ms) {
        this.formedMs = ms;
        return this;
    }

    public PairBatch sourcedAt(long ms) {
        this.sourceMs = ms;
        return this;
    }
}
