package io.contrastream.model.train;

/** 64-bit fingerprints of sample ids for the learner's bookkeeping (queue masking); 0 means "no id". */
public final class SampleIds {

    private SampleIds() {}

    /** FNV-1a over the UTF-16 code units; collisions are negligible at 64 bits for any queue size. */
    public static long of(String id) {
        if (id == null) return 0;
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }

    public static long[] of(String[] ids, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = ids == null ? 0 : of(ids[i]);
        return out;
    }
}
