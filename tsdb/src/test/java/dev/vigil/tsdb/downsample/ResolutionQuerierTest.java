package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's aggregate selects: rollups where they cover, raw data elsewhere, joined without a
 * gap or a sample counted twice, the counter continuous across every boundary; and once the raw
 * retention took the raw blocks, the rollups still answer.
 */
class ResolutionQuerierTest {
    static final long H = 3_600_000L;
    static final long T0 = RollupExactnessTest.T0;
    static final long HOURS = 30;
    static final Labels COUNTER = Labels.of("__name__", "flink_taskmanager_job_task_numRecordsIn", "task", "map");
    static final Labels GAUGE = Labels.of("__name__", "flink_taskmanager_job_task_busyTimeMsPerSecond", "task", "map");

    @TempDir
    Path dir;

    /** 30 h of 30 s samples; the counter resets inside blocks, at a block start and where the head begins. */
    private static List<long[]> write(Db db, AtomicLong now) throws Exception {
        List<long[]> raw = new ArrayList<>();
        long c = 1_000;
        for (long h = 0; h < HOURS; h++) {
            Appender a = db.appender();
            for (long t = T0 + h * H + 7_000; t < T0 + (h + 1) * H; t += 30_000) {
                long k = (t - T0) / 30_000;
                // 3 h and 15 h: inside blocks; 8 h: a rollup block's first sample; 28 h: the head's
                // first (raw) sample after the rollups; 29 h: inside the raw part.
                boolean reset = k == 360 || k == 960 || k == 1800 || k == 3360 || k == 3480;
                c = reset ? 2 : c + 3 + k % 7;
                a.append(0, COUNTER, t, c);
                a.append(0, GAUGE, t, k % 1000);
                raw.add(new long[] {t, c});
            }
            a.commit();
            now.set(T0 + (h + 1) * H);
        }
        now.set(T0 + HOURS * H + Rollups.DEFAULT_AFTER_MS + H);
        db.runMaintenance();
        return raw;
    }

    private static List<double[]> read(Db db, long mint, long maxt, long res, Aggregate agg, Labels series) {
        List<double[]> out = new ArrayList<>();
        try (Querier q = db.querier(mint, maxt)) {
            SeriesSet s = q.select(true, new SelectHints(mint, maxt, 0, 0, null, res, agg),
                    Matcher.eq("__name__", series.get("__name__")));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                while (it.next()) {
                    out.add(new double[] {it.t(), it.v()});
                }
            }
        }
        return out;
    }

    private static double sum(List<double[]> points) {
        double s = 0;
        for (double[] p : points) {
            s += p[1];
        }
        return s;
    }

    @Test
    void rollupsAndRawJoinWithoutGapOrDoubleCountAndTheCounterFollowsRaw() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get)
                .downsampleAfterMs(Rollups.DEFAULT_AFTER_MS).build())) {
            List<long[]> raw = write(db, now);
            long rolledUpTo = db.rollups().set(Rollups.RES_5M).maxTime();
            assertEquals(T0 + 28 * H, rolledUpTo, "the last two hours stay in the head");
            for (long res : Rollups.RESOLUTIONS) {
                // Counts: every raw sample once, whether a window or the head holds it.
                List<double[]> counts = read(db, T0, T0 + HOURS * H, res, Aggregate.COUNT, GAUGE);
                assertEquals(raw.size(), sum(counts), "samples counted at " + Rollups.name(res));
                assertTrue(counts.stream().anyMatch(p -> p[1] > 1), "windows read");
                assertTrue(counts.get(counts.size() - 1)[1] == 1, "raw samples read");
                // A range starting inside a rollup block and ending in the head.
                long from = T0 + 20 * H + 1;
                double expected = raw.stream().filter(p -> p[0] >= from).count();
                assertEquals(expected, sum(read(db, from, T0 + HOURS * H, res, Aggregate.COUNT, GAUGE)));
                // Between any two consecutive points the counter rises by the raw increase.
                List<double[]> counter = read(db, T0, T0 + HOURS * H, res, Aggregate.COUNTER, COUNTER);
                assertFollowsRawIncreaseStepwise(counter, raw);
                // Max and min come from the same windows as the counts.
                assertEquals(counts.size(), read(db, T0, T0 + HOURS * H, res, Aggregate.MAX, GAUGE).size());
            }
            // Raw reads are untouched by the rollups.
            assertEquals(raw.size(), read(db, T0, T0 + HOURS * H, 0, null, GAUGE).size());
        }
    }

    @Test
    void pastTheRawRetentionTheRollupsStillAnswer() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get)
                .downsampleAfterMs(Rollups.DEFAULT_AFTER_MS).rawRetentionMs(3 * 24 * H).build())) {
            List<long[]> raw = write(db, now);
            int rawBlocks = db.stats().blocks().size();
            assertTrue(rawBlocks > 0);
            // Not yet past the raw retention: nothing goes.
            db.runMaintenance();
            assertEquals(rawBlocks, db.stats().blocks().size());
            now.set(T0 + 28 * H + 3 * 24 * H);
            db.runMaintenance();
            assertEquals(0, db.stats().blocks().size(), "raw blocks past the raw retention deleted");
            long rolled = raw.stream().filter(p -> p[0] < T0 + 28 * H).count();
            assertEquals(raw.size() - rolled, read(db, T0, T0 + HOURS * H, 0, null, GAUGE).size(), "raw: the head only");
            for (long res : Rollups.RESOLUTIONS) {
                assertEquals(raw.size(), sum(read(db, T0, T0 + HOURS * H, res, Aggregate.COUNT, GAUGE)));
                assertFollowsRawIncreaseStepwise(read(db, T0, T0 + HOURS * H, res, Aggregate.COUNTER, COUNTER), raw);
            }
        }
    }

    @Test
    void aRawBlockNotYetRolledUpStaysPastTheRawRetention() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get)
                .downsampleAfterMs(4 * 24 * H).rawRetentionMs(3 * 24 * H).build())) {
            write(db, now);
            int rawBlocks = db.stats().blocks().size();
            now.set(T0 + 28 * H + 3 * 24 * H);
            db.runMaintenance();
            assertFalse(db.rollups().covers(T0, T0 + 28 * H));
            assertEquals(rawBlocks, db.stats().blocks().size(), "no rollups yet: raw data stays");
        }
    }

    /** As {@link #read}, in batches of {@code batch} (the engine's way), after a seek to {@code mint}. */
    private static List<double[]> readBatches(Db db, long mint, long maxt, long res, Aggregate agg, Labels series,
            int batch) {
        List<double[]> out = new ArrayList<>();
        try (Querier q = db.querier(mint, maxt)) {
            SeriesSet s = q.select(true, new SelectHints(mint, maxt, 0, 0, null, res, agg),
                    Matcher.eq("__name__", series.get("__name__")));
            long[] t = new long[batch];
            double[] v = new double[batch];
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                if (!it.seek(mint)) {
                    continue;
                }
                out.add(new double[] {it.t(), it.v()});
                int k;
                do {
                    k = it.nextBatch(t, v, 0, batch);
                    for (int j = 0; j < k; j++) {
                        out.add(new double[] {t[j], v[j]});
                    }
                    if (k > 0) {
                        assertEquals(t[k - 1], it.t(), "the last sample of a batch is current");
                    }
                } while (k == batch);
            }
        }
        return out;
    }

    @Test
    void batchesCachedColumnsAndTheMeanGiveWhatSampleBySampleReadsGive() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get)
                .downsampleAfterMs(Rollups.DEFAULT_AFTER_MS).build())) {
            write(db, now);
            for (long res : Rollups.RESOLUTIONS) {
                for (Aggregate agg : Aggregate.values()) {
                    for (Labels series : List.of(COUNTER, GAUGE)) {
                        String what = agg + " of " + series.get("__name__") + " at " + Rollups.name(res);
                        // The first read decodes (and caches), the second reads the cache.
                        List<double[]> one = read(db, T0, T0 + HOURS * H, res, agg, series);
                        List<double[]> two = read(db, T0, T0 + HOURS * H, res, agg, series);
                        assertPointsEqual(one, two, what + ", cached");
                        for (int batch : new int[] {1, 7, 500, 100_000}) {
                            assertPointsEqual(one, readBatches(db, T0, T0 + HOURS * H, res, agg, series, batch),
                                    what + " in batches of " + batch);
                        }
                        long from = T0 + 20 * H + 1;
                        assertPointsEqual(read(db, from, T0 + HOURS * H, res, agg, series),
                                readBatches(db, from, T0 + HOURS * H, res, agg, series, 64), what + " from 20 h");
                    }
                }
                List<double[]> sums = read(db, T0, T0 + HOURS * H, res, Aggregate.SUM, GAUGE);
                List<double[]> counts = read(db, T0, T0 + HOURS * H, res, Aggregate.COUNT, GAUGE);
                List<double[]> means = read(db, T0, T0 + HOURS * H, res, Aggregate.MEAN, GAUGE);
                assertEquals(sums.size(), means.size());
                for (int i = 0; i < means.size(); i++) {
                    assertEquals(sums.get(i)[1] / counts.get(i)[1], means.get(i)[1], 0, "mean at " + means.get(i)[0]);
                }
            }
            assertTrue(db.rollups().columns().bytes() > 0, "columns cached");
        }
    }

    private static void assertPointsEqual(List<double[]> want, List<double[]> got, String what) {
        assertEquals(want.size(), got.size(), what + ": points");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i)[0], got.get(i)[0], what + ": time of point " + i);
            assertEquals(Double.doubleToRawLongBits(want.get(i)[1]), Double.doubleToRawLongBits(got.get(i)[1]),
                    what + ": value of point " + i + " " + want.get(i)[1] + " vs " + got.get(i)[1]);
        }
    }

    /** {@link RollupExactnessTest#assertFollowsRawIncrease} for consecutive points only (linear). */
    static void assertFollowsRawIncreaseStepwise(List<double[]> counter, List<long[]> raw) {
        int i = 1;
        for (int a = 0; a + 1 < counter.size(); a++) {
            long ta = (long) counter.get(a)[0];
            long tz = (long) counter.get(a + 1)[0];
            double inc = 0;
            while (i < raw.size() && raw.get(i)[0] <= ta) {
                i++;
            }
            for (int j = i; j < raw.size() && raw.get(j)[0] <= tz; j++) {
                long d = raw.get(j)[1] - raw.get(j - 1)[1];
                inc += d >= 0 ? d : raw.get(j)[1];
            }
            assertEquals(inc, counter.get(a + 1)[1] - counter.get(a)[1], "increase (" + ta + ", " + tz + "]");
        }
    }
}
