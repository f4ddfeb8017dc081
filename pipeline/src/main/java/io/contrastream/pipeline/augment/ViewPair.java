package io.contrastream.pipeline.augment;

/** Two augmented views of one sample: a positive pair. Carries no label: the learner never sees one. */
public class ViewPair {
    public String id;
    public float[] first;
    public float[] second;
    /** The un-augmented values, for the learner's replay buffer (re-augmented when replayed). */
    public float[] raw;

    public ViewPair() {}

    public ViewPair(String id, float[] first, float[] second, float[] raw) {
        this.id = id;
        this.first = first;
        this.second = second;
        this.raw = raw;
    }
}
