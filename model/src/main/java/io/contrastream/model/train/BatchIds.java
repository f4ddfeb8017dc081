package io.contrastream.model.train;

/**
 * The rows of a batch by sample id in a primitive open-addressed table, so that looking up every queue row (K of
 * them, 65,536 at the largest queues) costs a probe each, without boxing. Id 0 (unknown) is never stored.
 */
final class BatchIds {

    private long[] keys = new long[0];
    private int[] first = new int[0];   // per slot: the first batch row with that id
    private int[] next = new int[0];    // per batch row: the next row with the same id, −1 = last
    private int mask;

    /** Indexes the first {@code b} ids. */
    void reset(long[] ids, int b) {
        int slots = Integer.highestOneBit(Math.max(2, 2 * b) - 1) << 1;   // a power of two ≥ 2B: at most half full
        if (keys.length != slots) {
            keys = new long[slots];
            first = new int[slots];
        }
        java.util.Arrays.fill(keys, 0);
        if (next.length < b) next = new int[b];
        mask = slots - 1;
        for (int i = b - 1; i >= 0; i--) {   // backwards, so each chain lists rows in order
            long id = ids[i];
            if (id == 0) continue;
            int s = slot(id);
            if (keys[s] == id) {
                next[i] = first[s];
            } else {
                keys[s] = id;
                next[i] = -1;
            }
            first[s] = i;
        }
    }

    /** The first batch row holding {@code id}, or −1. */
    int first(long id) {
        if (id == 0 || keys.length == 0) return -1;
        int s = slot(id);
        return keys[s] == id ? first[s] : -1;
    }

    /** The next batch row with the same id as {@code row}, or −1. */
    int next(int row) {
        return next[row];
    }

    /** The slot holding {@code id}, or the empty slot where it would go (linear probing). */
    private int slot(long id) {
        int s = (int) (id ^ (id >>> 32)) * 0x9E3779B9 & mask;
        while (keys[s] != 0 && keys[s] != id) s = (s + 1) & mask;
        return s;
    }
}
