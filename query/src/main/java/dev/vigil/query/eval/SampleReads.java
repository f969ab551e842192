package dev.vigil.query.eval;

import static dev.vigil.query.eval.StepSeries.absent;

import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Values;
import java.util.Arrays;

/** Bulk reads of a series' samples into a {@link RangeFunction.Window}'s arrays. */
final class SampleReads {
    private SampleReads() {}

    /**
     * Reads the samples of {@code it} in [lo, hi] into {@code w.t}/{@code w.v} (grown as needed),
     * without staleness markers and with stored values that collide with the engine's absent
     * marker read as NaN; returns their count.
     */
    static int readSeries(SampleIterator it, long lo, long hi, RangeFunction.Window w) {
        int m = readRaw(it, lo, hi, w);
        long[] t = w.t;
        double[] v = w.v;
        int k = 0;
        for (int i = 0; i < m; i++) {
            double x = v[i];
            if (Values.isStaleNaN(x)) {
                continue;
            }
            t[k] = t[i];
            v[k++] = absent(x) ? Double.NaN : x;
        }
        return k;
    }

    /** Reads the samples of {@code it} in [lo, hi] as stored into {@code w.t}/{@code w.v}; returns their count. */
    static int readRaw(SampleIterator it, long lo, long hi, RangeFunction.Window w) {
        if (!it.seek(lo) || it.t() > hi) {
            return 0;
        }
        long[] t = w.t;
        double[] v = w.v;
        t[0] = it.t();
        v[0] = it.v();
        int m = 1;
        while (true) {
            if (m == t.length) {
                t = w.t = Arrays.copyOf(t, t.length * 2);
                v = w.v = Arrays.copyOf(v, v.length * 2);
            }
            int got = it.nextBatch(t, v, m, t.length - m);
            if (got == 0) {
                break;
            }
            m += got;
            if (t[m - 1] > hi) {
                break;
            }
        }
        while (m > 0 && t[m - 1] > hi) {
            m--;
        }
        return m;
    }

    static void append(RangeFunction.Window w, long t, double v) {
        if (w.to == w.t.length) {
            if (w.from > 0) {
                int live = w.to - w.from;
                System.arraycopy(w.t, w.from, w.t, 0, live);
                System.arraycopy(w.v, w.from, w.v, 0, live);
                w.from = 0;
                w.to = live;
            }
            if (w.to == w.t.length) {
                w.t = Arrays.copyOf(w.t, w.t.length * 2);
                w.v = Arrays.copyOf(w.v, w.v.length * 2);
            }
        }
        w.t[w.to] = t;
        w.v[w.to++] = v;
    }
}
