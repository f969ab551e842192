package dev.vigil.tsdb.prometheus;

import java.util.Arrays;

/** A growable array of one series' samples. */
public final class SampleBuffer {
    public long[] t;
    public double[] v;
    public int n;
    /** Samples left out as inside a tombstone's range, since the buffer was made. */
    public long deleted;
    /** Chunks of a histogram encoding left out, since the buffer was made. */
    public long histogramChunks;

    /** A buffer for a block's series read one at a time (reused, so it starts large). */
    public SampleBuffer() {
        this(512);
    }

    /** A buffer of {@code capacity} samples to start with, for one of many series held at once. */
    public SampleBuffer(int capacity) {
        t = new long[capacity];
        v = new double[capacity];
    }

    /** Appends one sample, growing the arrays as needed. */
    public void add(long ts, double value) {
        if (n == t.length) {
            t = Arrays.copyOf(t, Math.max(16, n * 2));
            v = Arrays.copyOf(v, t.length);
        }
        t[n] = ts;
        v[n++] = value;
    }

    void clear() {
        n = 0;
    }

    void ensure(int size) {
        if (size > t.length) {
            int cap = Math.max(size, t.length * 2);
            t = Arrays.copyOf(t, cap);
            v = Arrays.copyOf(v, cap);
        }
    }

    /**
     * Sorts by timestamp where the samples came out of order, keeping the last one added of equal
     * timestamps (chunks of one Prometheus series should not overlap; a backfill may repeat itself).
     */
    public void sortIfNeeded() {
        boolean ordered = true;
        for (int i = 1; i < n && ordered; i++) {
            ordered = t[i - 1] < t[i];
        }
        if (ordered) {
            return;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(t[a], t[b]));
        long[] nt = new long[t.length];
        double[] nv = new double[v.length];
        int m = 0;
        for (Integer i : idx) {
            if (m > 0 && nt[m - 1] == t[i]) {
                nv[m - 1] = v[i];
            } else {
                nt[m] = t[i];
                nv[m++] = v[i];
            }
        }
        t = nt;
        v = nv;
        n = m;
    }

    void delete(long[] ranges) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            boolean gone = false;
            for (int r = 0; r < ranges.length && !gone; r += 2) {
                gone = t[i] >= ranges[r] && t[i] <= ranges[r + 1];
            }
            if (gone) {
                deleted++;
            } else {
                t[m] = t[i];
                v[m++] = v[i];
            }
        }
        n = m;
    }
}
