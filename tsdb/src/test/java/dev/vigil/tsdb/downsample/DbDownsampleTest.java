package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's maintenance round writes rollups of old blocks and applies the raw retention. */
class DbDownsampleTest {
    static final long H = 3_600_000L;
    static final long T0 = RollupExactnessTest.T0;

    @TempDir
    Path dir;

    private static void append(Db db, AtomicLong now, long from, long to) throws Exception {
        for (long t = from; t < to; t += 30_000) {
            now.set(t);
            Appender a = db.appender();
            a.append(0, Labels.of("__name__", "flink_jobmanager_numRegisteredTaskManagers", "job", "jm"), t, 2);
            a.append(0, Labels.of("__name__", "flink_taskmanager_Status_JVM_CPU_Load", "job", "tm"), t, (t / 30_000) % 7);
            a.commit();
        }
    }

    /** Samples of {@code job}'s series over [mint, maxt] as the engine reads 5 m sums: rollups where they exist, raw elsewhere. */
    private static long rolledSamples(Db db, String job, long mint, long maxt) throws Exception {
        long n = 0;
        try (Querier q = db.querier(mint, maxt)) {
            SeriesSet s = q.select(true, new SelectHints(mint, maxt, 0, 0, null, Rollups.RES_5M, Aggregate.COUNT),
                    Matcher.eq("job", job));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                while (it.next()) {
                    n += (long) it.v();
                }
            }
        }
        return n;
    }

    private static DbOptions options(Path dir, AtomicLong now, long rawRetention) {
        return DbOptions.builder(dir).seriesRegistry(false).clock(now::get).downsampleAfterMs(Rollups.DEFAULT_AFTER_MS)
                .rawRetentionMs(rawRetention).build();
    }

    @Test
    void aSnapshotCarriesTheRollupsPastTheRawRetention() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        Path copy = dir.resolve("copy");
        long written;
        try (Db db = Db.open(options(dir.resolve("d"), now, 3 * 24 * H))) {
            append(db, now, T0, T0 + 8 * H);
            now.set(T0 + 8 * H + 4 * 24 * H); // rolled up, and raw retention passed in one round
            db.runMaintenance();
            written = rolledSamples(db, "jm", T0, T0 + 8 * H);
            assertTrue(db.stats().blocks().isEmpty(), "raw blocks gone");
            assertTrue(written > 6 * H / 30_000, "rollups hold most of the 8 h: " + written);
            db.snapshot(copy, true);
        }
        try (Db db = Db.open(options(copy, now, 3 * 24 * H))) {
            assertEquals(written, rolledSamples(db, "jm", T0, T0 + 8 * H), "the snapshot's history");
            assertFalse(db.rollups().set(Rollups.RES_1H).blocks().isEmpty());
        }
    }

    @Test
    void deletedSeriesStayDeletedInRollups() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (Db db = Db.open(options(dir, now, 3 * 24 * H))) {
            append(db, now, T0, T0 + 8 * H);
            now.set(T0 + 8 * H + Rollups.DEFAULT_AFTER_MS);
            db.runMaintenance();
            long tm = rolledSamples(db, "tm", T0, T0 + 8 * H);
            assertTrue(tm > 4 * H / 30_000);
            // The first 4 h (blocks only; the head holds the last hours). Raw data still there:
            // clean_tombstones drops the rollups that hold the series, and the next round writes
            // them again from the cleaned raw blocks, so no tombstone has to stay.
            db.deleteSeries(T0, T0 + 4 * H - 1, Matcher.eq("job", "tm"));
            long kept = tm - 4 * H / 30_000;
            assertEquals(kept, rolledSamples(db, "tm", T0, T0 + 8 * H));
            db.cleanTombstones();
            db.runMaintenance();
            assertTrue(db.tombstones().isEmpty(), "every copy was rewritten: " + db.tombstones().all());
            assertFalse(db.rollups().set(Rollups.RES_5M).blocks().isEmpty(), "rolled up again");
            assertEquals(kept, rolledSamples(db, "tm", T0, T0 + 8 * H));
            assertEquals(tm, rolledSamples(db, "jm", T0, T0 + 8 * H), "the other series kept");

            // Past the raw retention only the rollups hold those hours: a deletion there reaches
            // them, and its tombstone outlives clean_tombstones, as no raw block is left to roll up again.
            now.set(T0 + 8 * H + 4 * 24 * H);
            db.runMaintenance();
            assertTrue(db.stats().blocks().isEmpty());
            db.deleteSeries(T0, T0 + 4 * H - 1, Matcher.eq("job", "jm"));
            db.cleanTombstones();
            assertEquals(1, db.tombstones().all().size(), "kept for the rollups");
            assertEquals(tm - 4 * H / 30_000, rolledSamples(db, "jm", T0, T0 + 8 * H));
        }
    }

    @Test
    void oldBlocksGetRollupsAndLoseTheirRawDataAfterTheRawRetention() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).clock(now::get).downsampleAfterMs(Rollups.DEFAULT_AFTER_MS)
                .rawRetentionMs(3 * 24 * H).build();
        try (Db db = Db.open(o)) {
            append(db, now, T0, T0 + 8 * H);
            now.set(T0 + 8 * H + Rollups.DEFAULT_AFTER_MS);
            db.runMaintenance();
            Rollups r = db.rollups();
            assertFalse(r.set(Rollups.RES_5M).blocks().isEmpty());
            assertFalse(r.set(Rollups.RES_1H).blocks().isEmpty());
            assertTrue(Files.isDirectory(dir.resolve("downsample").resolve("5m")));
            // Every raw sample is counted in the 1 h rollups of the blocks written.
            double counted = 0;
            long covered = 0;
            for (Block b : r.set(Rollups.RES_1H).blocks()) {
                covered += b.meta().maxTime() - b.meta().minTime();
                try (Querier q = new RollupQuerier(b, Aggregate.COUNT, b.meta().minTime(), b.meta().maxTime() - 1)) {
                    SeriesSet s = q.select(true, null, Matcher.eq("job", "jm"));
                    while (s.next()) {
                        SampleIterator it = s.at().iterator(null);
                        while (it.next()) {
                            counted += it.v();
                        }
                    }
                }
            }
            assertEquals(covered / 30_000, counted);
            // Past the raw retention the raw blocks go; their rollups stay.
            int rawBefore = db.stats().blocks().size();
            now.set(T0 + 8 * H + 4 * 24 * H);
            db.runMaintenance();
            assertTrue(db.stats().blocks().size() < rawBefore, "raw blocks deleted");
            assertFalse(r.set(Rollups.RES_5M).blocks().isEmpty());
        }
    }

    @Test
    void offByDefault() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get).build())) {
            append(db, now, T0, T0 + 8 * H);
            now.set(T0 + 100 * H);
            db.runMaintenance();
            assertNull(db.rollups());
            assertFalse(Files.exists(dir.resolve("downsample")));
        }
    }
}
