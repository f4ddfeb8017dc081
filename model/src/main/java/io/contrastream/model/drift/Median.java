package io.contrastream.model.drift;

import java.util.Arrays;

/** The median of an array of doubles, the same double that sorting it gives, found in linear time. */
final class Median {

    /** Values sampled to bracket the middle. */
    private static final int SAMPLE = 1024;
    /** Sample ranks kept on either side of the middle's estimate, four standard errors of the sample's median. */
    private static final int MARGIN = 64;

    private Median() {
    }

    /**
     * The middle value of {@code values}, or the mean of the two middle ones for an even count, exactly as read off
     * the sorted array; reorders {@code values}. They must hold no NaN or −0.0, whose place among equal values a sort
     * decides by bits.
     */
    static double of(double[] values) {
        int n = values.length;
        int high = n / 2;
        int low = (n - 1) / 2;
        // A strided sample's sorted order gives a bracket [lo, hi] that almost surely holds both middle ranks: one
        // pass counts the values below and inside it, a second keeps those inside, and the selection runs on a few
        // percent of the values. If the bracket misses, it runs on all of them.
        int stride = Math.max(1, n / SAMPLE);
        double[] sample = new double[(n + stride - 1) / stride];
        for (int i = 0; i < sample.length; i++) sample[i] = values[i * stride];
        Arrays.sort(sample);
        int at = (int) ((long) high * sample.length / n);
        double lo = sample[Math.max(0, at - MARGIN)];
        double hi = sample[Math.min(sample.length - 1, at + MARGIN)];
        // Both passes are branch-free: about half the values fall below lo, in no predictable order, and a mispredicted
        // branch per value cost several times the rest of the pass.
        int below = 0;
        int notAbove = 0;
        for (double v : values) {
            below += v < lo ? 1 : 0;
            notAbove += v <= hi ? 1 : 0;
        }
        double[] window = values;
        int size = n;
        int offset = 0;
        if (below <= low && high < notAbove) {
            // Each value is written at the next free place, which advances only when the value is inside (hence the
            // one spare place).
            window = new double[notAbove - below + 1];
            size = 0;
            for (double v : values) {
                window[size] = v;
                size += v >= lo & v <= hi ? 1 : 0;
            }
            offset = below;
        }
        int k = high - offset;
        double upper = select(window, size, k);
        if (low == high) return upper;
        double lower = window[0];
        for (int i = 1; i < k; i++) lower = Math.max(lower, window[i]);
        return (lower + upper) / 2;
    }

    /**
     * The k-th smallest of {@code a[0..size)} (from 0), leaving every smaller-indexed entry ≤ it and every
     * larger-indexed one ≥ it (Hoare's FIND with a median-of-three pivot).
     */
    private static double select(double[] a, int size, int k) {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    double t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        return a[k];
    }
}
