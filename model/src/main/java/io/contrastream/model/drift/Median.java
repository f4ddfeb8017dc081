package io.contrastream.model.drift;

/** The median of an array of doubles, the same double that sorting it gives, found in linear time. */
final class Median {

    private Median() {
    }

    /**
     * The middle value of {@code values}, or the mean of the two middle ones for an even count, exactly as read off
     * the sorted array; reorders {@code values}. They must hold no NaN or −0.0, whose place among equal values a sort
     * decides by bits.
     */
    static double of(double[] values) {
        int n = values.length;
        int half = n / 2;
        double upper = select(values, half);
        if (n % 2 == 1) return upper;
        double lower = values[0];
        for (int i = 1; i < half; i++) lower = Math.max(lower, values[i]);
        return (lower + upper) / 2;
    }

    /**
     * The k-th smallest of {@code a} (from 0), leaving every smaller-indexed entry ≤ it and every larger-indexed one
     * ≥ it (Hoare's FIND with a median-of-three pivot).
     */
    private static double select(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
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
