package io.contrastream.model.augment;

/**
 * Two independently augmented views of one sample, which contrastive training treats as a positive
 * pair (MoCo v2, Chen et al. 2020).
 *
 * @param first the query view
 * @param second the key view
 */
public record TwoViews(float[] first, float[] second) {

    /** Rejects missing views and views of different lengths, which no augmenter can produce. */
    public TwoViews {
        // The arrays are held as given, not copied: the augmenter has just made them, and copying
        // every view would double the allocation on the hot path.
        if (first == null) {
            throw new IllegalArgumentException("first must not be null");
        }
        if (second == null) {
            throw new IllegalArgumentException("second must not be null");
        }
        if (first.length != second.length) {
            throw new IllegalArgumentException(
                    "second.length must equal first.length (" + first.length + "), got " + second.length);
        }
    }
}
