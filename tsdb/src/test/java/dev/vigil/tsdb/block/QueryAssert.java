package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Compares what two queriers return, sample by sample and bit for bit. */
final class QueryAssert {
    private QueryAssert() {
    }

    /** Series labels and their samples as "t=bits" strings, in set order. */
    static List<String> dump(Querier q, Matcher... matchers) {
        List<String> out = new ArrayList<>();
        SeriesSet s = q.select(true, null, matchers);
        SampleIterator reuse = null;
        while (s.next()) {
            Labels l = s.at().labels();
            SampleIterator it = s.at().iterator(reuse);
            reuse = it;
            StringBuilder sb = new StringBuilder(l.toString()).append(':');
            while (it.next()) {
                sb.append(' ').append(it.t()).append('=').append(Long.toHexString(Double.doubleToRawLongBits(it.v())));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * As {@link #dump}, reading with a random mix of {@code next()} and {@code nextBatch} of random
     * sizes, checking that the current sample after a batch is the last one it returned.
     */
    static List<String> dumpBulk(Querier q, long seed, Matcher... matchers) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        SeriesSet s = q.select(true, null, matchers);
        SampleIterator reuse = null;
        long[] ts = new long[64];
        double[] vs = new double[64];
        while (s.next()) {
            Labels l = s.at().labels();
            SampleIterator it = s.at().iterator(reuse);
            reuse = it;
            StringBuilder sb = new StringBuilder(l.toString()).append(':');
            while (true) {
                if (r.nextInt(4) == 0) {
                    if (!it.next()) {
                        break;
                    }
                    sb.append(' ').append(it.t()).append('=').append(Long.toHexString(Double.doubleToRawLongBits(it.v())));
                    continue;
                }
                int max = 1 + r.nextInt(r.nextBoolean() ? 3 : 64);
                int n = it.nextBatch(ts, vs, 0, max);
                if (n == 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    sb.append(' ').append(ts[i]).append('=').append(Long.toHexString(Double.doubleToRawLongBits(vs[i])));
                }
                if (n < max) {
                    // Fewer than asked only when exhausted.
                    assertEquals(0, it.nextBatch(ts, vs, 0, max), "batch after a short batch");
                    break;
                }
                assertEquals(ts[n - 1], it.t(), "current time after a batch");
                assertEquals(Double.doubleToRawLongBits(vs[n - 1]), Double.doubleToRawLongBits(it.v()), "current value after a batch");
            }
            out.add(sb.toString());
        }
        return out;
    }

    static void assertSame(Querier expected, Querier actual, Matcher... matchers) {
        List<String> e = dump(expected, matchers);
        assertSameDump(e, dumpBulk(actual, e.size() * 31L + 7, matchers), "bulk reads of " + Arrays.toString(matchers));
        List<String> a = dump(actual, matchers);
        if (!e.equals(a)) {
            int i = 0;
            while (i < Math.min(e.size(), a.size()) && e.get(i).equals(a.get(i))) {
                i++;
            }
            fail("results differ for " + Arrays.toString(matchers) + " at series " + i + " (expected " + e.size()
                    + ", got " + a.size() + "):\n expected " + (i < e.size() ? abbreviate(e.get(i)) : "<end>")
                    + "\n got      " + (i < a.size() ? abbreviate(a.get(i)) : "<end>"));
        }
        assertEquals(expected.labelNames(matchers), actual.labelNames(matchers), "labelNames " + Arrays.toString(matchers));
        assertEquals(expected.labelValues("tm_id", matchers), actual.labelValues("tm_id", matchers));
    }

    private static void assertSameDump(List<String> e, List<String> a, String what) {
        if (!e.equals(a)) {
            int i = 0;
            while (i < Math.min(e.size(), a.size()) && e.get(i).equals(a.get(i))) {
                i++;
            }
            fail(what + " differ at series " + i + ":\n expected " + (i < e.size() ? abbreviate(e.get(i)) : "<end>")
                    + "\n got      " + (i < a.size() ? abbreviate(a.get(i)) : "<end>"));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
