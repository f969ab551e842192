package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query opened before maintenance cuts the head into a block, and read after the cut, sees
 * every sample: neither the block it did not know of yet nor the head it reads lazily may have
 * lost the cut range in between (a count 6 % short was once seen after a large import).
 */
class QueryAcrossHeadCutTest {
    private static final long H = 3_600_000L;
    private static final int SERIES = 20;
    private static final int STEPS = 600; // 10 h at one minute: several block ranges to cut

    @TempDir
    Path dir;

    private static long t0() {
        return (System.currentTimeMillis() - 24 * H) / (2 * H) * (2 * H);
    }

    private static void fill(Db db, long t0) throws Exception {
        Appender a = db.appender();
        for (int s = 0; s < SERIES; s++) {
            Labels l = Labels.of("__name__", "cut_q", "s", Integer.toString(s));
            for (int i = 0; i < STEPS; i++) {
                a.append(0, l, t0 + i * 60_000L, s * 1_000_000 + i);
            }
        }
        a.commit();
    }

    /** Per series: samples read, and whether every value was the one written at its time. */
    private static Map<String, Integer> read(SeriesSet ss, long t0, Runnable afterFirst) {
        Map<String, Integer> out = new TreeMap<>();
        boolean first = true;
        while (ss.next()) {
            String s = ss.at().labels().get("s");
            SampleIterator it = ss.at().iterator(null);
            int n = 0;
            while (it.next()) {
                int i = (int) ((it.t() - t0) / 60_000L);
                assertEquals(Integer.parseInt(s) * 1_000_000 + i, it.v(), "series " + s + " at step " + i);
                n++;
            }
            out.put(s, n);
            if (first) {
                first = false;
                afterFirst.run();
            }
        }
        return out;
    }

    private static Map<String, Integer> whole() {
        Map<String, Integer> m = new TreeMap<>();
        for (int s = 0; s < SERIES; s++) {
            m.put(Integer.toString(s), STEPS);
        }
        return m;
    }

    /**
     * Starts maintenance on another thread and returns once its cut has published a block and
     * waits for the open query (or, without that wait, once it has finished).
     */
    private static Thread cutInBackground(Db db) throws InterruptedException {
        Thread m = new Thread(db::runMaintenance, "maintenance");
        m.start();
        while (!db.cutWaitingForQueries() && m.isAlive()) {
            Thread.sleep(5);
        }
        return m;
    }

    @Test
    void querierOpenedBeforeACutSelectsAfterIt() throws Exception {
        try (Db db = Db.open(DbOptions.builder(dir).build())) {
            long t0 = t0();
            fill(db, t0);
            long cuts = db.headCuts();
            Thread m;
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                m = cutInBackground(db);
                assertEquals(whole(), read(q.select(false, null, Matcher.eq("__name__", "cut_q")), t0, () -> { }));
            }
            m.join();
            assertTrue(db.headCuts() > cuts, "maintenance cut the head");
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertEquals(whole(), read(q.select(true, null, Matcher.eq("__name__", "cut_q")), t0, () -> { }),
                        "a query opened after the cut");
            }
        }
    }

    @Test
    void seriesReadWhileACutRunsKeepEverySample() throws Exception {
        try (Db db = Db.open(DbOptions.builder(dir).build())) {
            long t0 = t0();
            fill(db, t0);
            long cuts = db.headCuts();
            Thread[] m = new Thread[1];
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet ss = q.select(true, null, Matcher.eq("__name__", "cut_q"));
                Map<String, Integer> got = read(ss, t0, () -> {
                    try {
                        m[0] = cutInBackground(db);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                assertEquals(whole(), got);
            }
            m[0].join();
            assertTrue(db.headCuts() > cuts, "maintenance cut the head");
        }
    }

    @Test
    void aQueryOpenedWhileTheCutWaitsSeesEverySample() throws Exception {
        try (Db db = Db.open(DbOptions.builder(dir).build())) {
            long t0 = t0();
            fill(db, t0);
            long cuts = db.headCuts();
            Querier early = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            Thread m = cutInBackground(db);
            assertTrue(db.cutWaitingForQueries(), "the cut waits for the query opened before its block");
            // Opened between the first block and its truncation, read while the cut goes on
            // to the next ranges (whose blocks it does not know: those wait for it in turn).
            try (Querier late = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                early.close();
                assertEquals(whole(), read(late.select(true, null, Matcher.eq("__name__", "cut_q")), t0, () -> { }));
            }
            m.join();
            assertTrue(db.headCuts() > cuts, "maintenance cut the head");
        }
    }
}
