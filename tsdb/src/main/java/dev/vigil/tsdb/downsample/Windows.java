package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.Values;
import java.util.Arrays;

/**
 * One series' rollup at one resolution: per window {@code (k·res, (k+1)·res]} the timestamp of
 * its last raw sample, the count, sum, min and max of its samples, and the counter value at its
 * last sample with every earlier reset added back (docs/format/downsample.md). Staleness
 * markers are not samples here. Reused: {@link #rollup} overwrites it.
 */
public final class Windows {
    long[] t = new long[64];
    double[] count = new double[64];
    double[] sum = new double[64];
    double[] min = new double[64];
    double[] max = new double[64];
    double[] counter = new double[64];
    /** Whether the value went down at a sample of the window (from the sample before it). */
    boolean[] dropIn = new boolean[64];
    int n;
    /** The raw value of the last sample, which continues the counter in the next block. */
    double lastRaw;
    /** Drops of the raw value seen (counter resets, or a gauge going down). */
    int drops;

    public int size() {
        return n;
    }

    public long t(int i) {
        return t[i];
    }

    public double count(int i) {
        return count[i];
    }

    public double sum(int i) {
        return sum[i];
    }

    public double min(int i) {
        return min[i];
    }

    public double max(int i) {
        return max[i];
    }

    public double counter(int i) {
        return counter[i];
    }

    public double lastRaw() {
        return lastRaw;
    }

    public int drops() {
        return drops;
    }

    /** How many windows of {@code [from, to)} saw the value go down. */
    public int dropsIn(int from, int to) {
        int d = 0;
        for (int i = from; i < to; i++) {
            d += dropIn[i] ? 1 : 0;
        }
        return d;
    }

    /** The window a sample at {@code ts} falls in: windows are left-open, as range selectors. */
    public static long windowOf(long ts, long res) {
        return Math.floorDiv(ts - 1, res);
    }

    /**
     * Computes the windows of raw samples {@code [0, len)} (time order) at resolution {@code res}.
     * A window whose values are all equal gets {@code sum = count × value} exactly.
     */
    public Windows rollup(long[] ts, double[] vs, int len, long res) {
        n = 0;
        drops = 0;
        double offset = 0;
        double prev = Double.NaN;
        long cur = Long.MIN_VALUE;
        double comp = 0;
        for (int i = 0; i < len; i++) {
            double v = vs[i];
            if (Values.isStaleNaN(v)) {
                continue;
            }
            long w = windowOf(ts[i], res);
            if (w != cur || n == 0) {
                if (n > 0) {
                    sum[n - 1] = compensated(sum[n - 1], comp);
                }
                comp = 0;
                cur = w;
                grow();
                n++;
                count[n - 1] = 0;
                sum[n - 1] = 0;
                min[n - 1] = v;
                max[n - 1] = v;
                dropIn[n - 1] = false;
            }
            int k = n - 1;
            if (v < prev) {
                // A counter reset: what was reached before it still counted.
                offset += prev;
                drops++;
                dropIn[k] = true;
            }
            prev = v;
            t[k] = ts[i];
            count[k]++;
            // Neumaier-compensated, as the engine's sum_over_time: a sum of decimals stays the
            // decimal it should be, which keeps the column small as well as right.
            double s = sum[k] + v;
            comp += Math.abs(sum[k]) >= Math.abs(v) ? (sum[k] - s) + v : (v - s) + sum[k];
            sum[k] = s;
            // NaN never wins a comparison here, so min/max keep the first non-NaN the window had.
            if (v < min[k] || Double.isNaN(min[k])) {
                min[k] = v;
            }
            if (v > max[k] || Double.isNaN(max[k])) {
                max[k] = v;
            }
            counter[k] = v + offset;
            lastRaw = v;
        }
        if (n > 0) {
            sum[n - 1] = compensated(sum[n - 1], comp);
        }
        exactDecimalSums(ts, vs, len, res);
        for (int k = 0; k < n; k++) {
            if (Double.doubleToRawLongBits(min[k]) == Double.doubleToRawLongBits(max[k])) {
                sum[k] = count[k] * min[k];
            }
        }
        return this;
    }

    /** Divisors tried for {@link #exactDecimalSums}: integers, Flink meter rates (x/60), decimals. */
    private static final long[] DIVISORS = {1, 60, 10, 100, 1000, 10_000, 100_000, 1_000_000};
    /** Integers up to this magnitude keep a window's integer sum exact. */
    private static final double EXACT_LIMIT = 1L << 40;

    /**
     * When every sample is {@code k / D} for one of {@link #DIVISORS} (integers, decimals, Flink
     * meter rates), sets each window's sum to {@code (Σk) / D}: the exact sum, correctly rounded.
     * A float sum of such values is off by an ulp or so, enough to make the column incompressible.
     */
    private void exactDecimalSums(long[] ts, double[] vs, int len, long res) {
        long d = 0;
        for (long cand : DIVISORS) {
            if (allRatio(vs, len, cand)) {
                d = cand;
                break;
            }
        }
        if (d == 0) {
            return;
        }
        double dd = d;
        int k = -1;
        long cur = Long.MIN_VALUE;
        long acc = 0;
        for (int i = 0; i < len; i++) {
            if (Values.isStaleNaN(vs[i])) {
                continue;
            }
            long w = windowOf(ts[i], res);
            if (w != cur) {
                if (k >= 0) {
                    sum[k] = acc / dd;
                }
                k++;
                cur = w;
                acc = 0;
            }
            acc += (long) Math.rint(vs[i] * dd);
        }
        if (k >= 0) {
            sum[k] = acc / dd;
        }
    }

    private static boolean allRatio(double[] vs, int len, long d) {
        double dd = d;
        for (int i = 0; i < len; i++) {
            double v = vs[i];
            if (Values.isStaleNaN(v)) {
                continue;
            }
            double k = Math.rint(v * dd);
            if (!(Math.abs(k) < EXACT_LIMIT) || Double.doubleToRawLongBits(k / dd) != Double.doubleToRawLongBits(v)) {
                return false;
            }
        }
        return true;
    }

    private static double compensated(double sum, double comp) {
        return Double.isInfinite(sum) ? sum : sum + comp;
    }

    private void grow() {
        if (n == t.length) {
            int c = n * 2;
            t = Arrays.copyOf(t, c);
            count = Arrays.copyOf(count, c);
            sum = Arrays.copyOf(sum, c);
            min = Arrays.copyOf(min, c);
            max = Arrays.copyOf(max, c);
            counter = Arrays.copyOf(counter, c);
            dropIn = Arrays.copyOf(dropIn, c);
        }
    }
}
