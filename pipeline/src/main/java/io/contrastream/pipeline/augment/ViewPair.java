package io.contrastream.pipeline.augment;

/** Two augmented views of one sample: a positive pair. Carries no label: the learner never sees one. */
public class ViewPair {
    public String id;
    public float[] first;
    public float[] second;

    public ViewPair() {}

    public ViewPair(String id, float[] first, float[] second) {
        this.id = id;
        this.first = first;
        this.second = second;
    }
}
