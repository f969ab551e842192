package dev.vigil.query.eval;

import java.util.Arrays;

/**
 * The values of a sliding window kept sorted, so {@code quantile_over_time} costs a binary
 * search and a small array move per sample entering or leaving the window instead of a sort per
 * step. Gives exactly {@link Quantiles#quantile}'s answer: NaNs count first, the others in
 * {@link Arrays#sort(double[])} order.
 */
final class SlidingQuantile {
    private double[] sorted = new double[32];
    private int n;
    private int nans;

    void clear() {
        n = 0;
        nans = 0;
    }

    void add(double v) {
        if (Double.isNaN(v)) {
            nans++;
            return;
        }
        int i = find(v);
        if (i < 0) {
            i = -i - 1;
        }
        if (n == sorted.length) {
            sorted = Arrays.copyOf(sorted, n * 2);
        }
        System.arraycopy(sorted, i, sorted, i + 1, n - i);
        sorted[i] = v;
        n++;
    }

    void remove(double v) {
        if (Double.isNaN(v)) {
            nans--;
            return;
        }
        int i = find(v);
        if (i < 0) {
            throw new IllegalStateException("value " + v + " not in window");
        }
        System.arraycopy(sorted, i + 1, sorted, i, n - i - 1);
        n--;
    }

    /** {@link Arrays#binarySearch(double[], int, int, double)}'s contract; a plain scan for small windows. */
    private int find(double v) {
        if (n > 24) {
            return Arrays.binarySearch(sorted, 0, n, v);
        }
        for (int i = 0; i < n; i++) {
            int c = Double.compare(sorted[i], v);
            if (c == 0) {
                return i;
            }
            if (c > 0) {
                return -i - 1;
            }
        }
        return -n - 1;
    }

    /** The q-quantile of the window, as {@link Quantiles#quantile} computes it. */
    double quantile(double q) {
        int total = n + nans;
        if (total == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        double rank = q * (total - 1);
        // rank is finite and >= 0 here, so the cast is Math.floor.
        double floor = (long) rank;
        double lower = Math.max(0, floor);
        double upper = Math.min(total - 1, lower + 1);
        double weight = rank - floor;
        return at((int) lower) * (1 - weight) + at((int) upper) * weight;
    }

    private double at(int i) {
        return i < nans ? Double.NaN : sorted[i - nans];
    }
}
