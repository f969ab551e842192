package dev.vigil.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.wal.WalRecords;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAL replay groups samples by series id buckets and applies windows on several threads; the
 * head must hold exactly each series' samples in WAL order whatever the window size, the number
 * of threads, and however ids are spread over buckets, with samples logged under a second id of
 * the same labels joining that series and samples of ids the WAL never named dropped.
 */
class HeadReplayTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    static final int SERIES = 3500; // ids up to 3600: four buckets of 1024
    static final int STEPS = 300;

    @TempDir
    Path tmp;

    @Test
    void manySmallWindowsOnTwoThreadsEqualTheLoggedSamples() throws Exception {
        assertEquals(expected(), replay("a", 2, 7_000));
    }

    @Test
    void oneWindowOnOneThreadEqualsTheLoggedSamples() throws Exception {
        assertEquals(expected(), replay("b", 1, 50_000_000));
    }

    /** Series i is logged under id ID[i] (shuffled); series 5 also under ALIAS, at odd steps. */
    private static final int ALIAS = SERIES + 100;
    private static final int UNNAMED = SERIES + 200;

    private static int[] ids() {
        int[] id = new int[SERIES];
        for (int i = 0; i < SERIES; i++) {
            id[i] = i + 1;
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = SERIES - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int x = id[i];
            id[i] = id[j];
            id[j] = x;
        }
        return id;
    }

    private static Labels labels(int i) {
        return Labels.of("__name__", "m" + (i % 11), "i", Integer.toString(i));
    }

    private static long time(int i, int k) {
        return T0 + k * 10_000L + i % 7;
    }

    private static double value(int i, int k) {
        return i % 3 == 0 ? k * 3.0 + i : Math.sin(i + k / 5.0);
    }

    private Map<String, List<String>> replay(String name, int threads, int window) throws Exception {
        int[] id = ids();
        try (Head h = new Head(tmp.resolve(name), FileIo.DEFAULT, new Head.Options(2 * H, 0, 0, () -> T0 + 24 * H), false)) {
            WalRecords.Handler r = h.replayHandler(threads, window);
            SplittableRandom rnd = new SplittableRandom(11);
            long[] refs = new long[500];
            long[] ts = new long[500];
            long[] bits = new long[500];
            for (int k = 0; k < STEPS; k++) {
                if (k == 0) {
                    for (int i = 0; i < SERIES; i++) {
                        r.series(id[i], labels(i));
                    }
                    r.series(ALIAS, labels(5));
                }
                // Each step logs every series once, in a different order, in records of up to 500.
                int[] order = new int[SERIES];
                for (int i = 0; i < SERIES; i++) {
                    order[i] = i;
                }
                for (int i = SERIES - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int x = order[i];
                    order[i] = order[j];
                    order[j] = x;
                }
                int n = 0;
                for (int q = 0; q < SERIES; q++) {
                    int i = order[q];
                    refs[n] = i == 5 && k % 2 == 1 ? ALIAS : id[i];
                    ts[n] = time(i, k);
                    bits[n] = Double.doubleToRawLongBits(value(i, k));
                    if (++n == refs.length || q == SERIES - 1) {
                        r.samples(refs, ts, bits, n);
                        n = 0;
                    }
                }
                refs[0] = UNNAMED;
                ts[0] = time(0, k);
                bits[0] = 0;
                r.samples(refs, ts, bits, 1);
            }
            r.finish();
            return dump(h);
        }
    }

    private static Map<String, List<String>> expected() {
        Map<String, List<String>> m = new TreeMap<>();
        for (int i = 0; i < SERIES; i++) {
            List<String> s = new ArrayList<>();
            for (int k = 0; k < STEPS; k++) {
                s.add(time(i, k) + "=" + Long.toHexString(Double.doubleToRawLongBits(value(i, k))));
            }
            m.put(labels(i).toString(), s);
        }
        return m;
    }

    private static Map<String, List<String>> dump(Head h) throws Exception {
        Map<String, List<String>> m = new TreeMap<>();
        try (Querier q = h.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
            SeriesSet s = q.select(false, null, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                List<String> l = new ArrayList<>();
                while (it.next()) {
                    l.add(it.t() + "=" + Long.toHexString(Double.doubleToRawLongBits(it.v())));
                }
                m.put(s.at().labels().toString(), l);
            }
        }
        return m;
    }
}
