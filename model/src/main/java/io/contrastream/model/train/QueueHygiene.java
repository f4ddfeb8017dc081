package io.contrastream.model.train;

import java.io.Serializable;

/**
 * Which queued keys a query may not use as negatives. A stream repeats samples (replay, producer retries, real
 * duplicates), and a key of the query's own sample in the queue is a false negative that pushes the sample away from
 * itself; near-duplicates and very old keys (from an encoder long gone) are the same problem, softer.
 *
 * @param maskSameId        never use a key enqueued from the query's own sample id
 * @param maxNegativeCosine drop negatives whose cosine with the query exceeds this (1 = keep all)
 * @param maxAge            drop keys enqueued more than this many steps ago (0 = no limit)
 */
public record QueueHygiene(boolean maskSameId, double maxNegativeCosine, int maxAge) implements Serializable {

    public QueueHygiene {
        if (!(maxNegativeCosine > -1 && maxNegativeCosine <= 1)) {
            throw new IllegalArgumentException("maxNegativeCosine must be in (-1, 1], got " + maxNegativeCosine);
        }
        if (maxAge < 0) throw new IllegalArgumentException("maxAge must be >= 0, got " + maxAge);
    }

    /** Same-id masking on, no similarity or age limit. */
    public static QueueHygiene defaults() {
        return new QueueHygiene(true, 1.0, 0);
    }

    /** Every queued key is a negative (MoCo as published). */
    public static QueueHygiene off() {
        return new QueueHygiene(false, 1.0, 0);
    }
}
