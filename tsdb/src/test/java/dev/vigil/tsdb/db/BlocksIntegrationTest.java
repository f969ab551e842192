package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head is cut into blocks, the WAL checkpointed, backfill lands in blocks; reads span both. */
class BlocksIntegrationTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path dir;

    @Test
    void headIsCutIntoBlocksAndReadsMergeBlocksAndHead() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        MemoryStorage ref = new MemoryStorage();
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).clock(now::get).walSegmentBytes(64 * 1024).build();
        try (Db db = Db.open(o)) {
            // 7 hours of a 30 s reporter interval for 20 series.
            for (long t = T0; t < T0 + 7 * H; t += 30_000) {
                now.set(t);
                Appender a = db.appender();
                Appender b = ref.appender();
                for (int s = 0; s < 20; s++) {
                    Labels l = Labels.of("__name__", "flink_numRecordsIn", "subtask_index", Integer.toString(s));
                    double v = (t / 30_000) % 97 == s ? Double.longBitsToDouble(0x7ff0000000000002L) : (t - T0) / 1000.0 + s;
                    a.append(0, l, t, v);
                    b.append(0, l, t, v);
                }
                a.commit();
                b.commit();
            }
            List<Path> segsBefore = Files.list(dir.resolve("wal")).toList();
            db.runMaintenance();
            DbStats st = db.stats();
            assertTrue(st.blocks().size() >= 2, "blocks: " + st.blocks());
            assertTrue(st.headMinT() >= T0 + 4 * H, "head keeps only the newest part: " + (st.headMinT() - T0) / H);
            List<Path> segsAfter = Files.list(dir.resolve("wal")).toList();
            assertTrue(segsAfter.stream().noneMatch(segsBefore::contains), "WAL truncated: " + segsBefore + " -> " + segsAfter);
            compareAll(db, ref);

            // A day-old backfill (import API) goes through the head into blocks of its own ranges.
            Appender a = db.appender();
            Appender b = ref.appender();
            for (long t = T0 - 24 * H; t < T0 - 20 * H; t += 60_000) {
                Labels l = Labels.of("__name__", "backfilled", "job", "import");
                a.append(0, l, t, t % 7);
                b.append(0, l, t, t % 7);
            }
            a.commit();
            b.commit();
            db.runMaintenance();
            assertTrue(db.stats().blocks().stream().anyMatch(x -> x.minT() <= T0 - 24 * H), "backfill block written");
            compareAll(db, ref);
        }
        try (Db db = Db.open(o)) {
            compareAll(db, ref);
            // Appends go on after a restart with blocks present.
            Appender a = db.appender();
            a.append(0, Labels.of("__name__", "after"), T0 + 7 * H, 1);
            a.commit();
        }
    }

    @Test
    void churnedSeriesLeaveTheHeadAndTheRegistry() throws Exception {
        // A Flink job restart: the old job's series stop, new ones (new job id) start.
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir).clock(now::get).maxSeries(300).build();
        try (Db db = Db.open(o)) {
            for (long t = T0; t < T0 + 6 * H; t += 60_000) {
                now.set(t);
                String job = t < T0 + H ? "old-job" : "new-job";
                Appender a = db.appender();
                for (int s = 0; s < 100; s++) {
                    a.append(0, Labels.of("__name__", "flink_numRecordsIn", "job", job, "subtask_index", Integer.toString(s)), t, s);
                }
                a.commit();
            }
            assertEquals(200, db.stats().headSeries());
            db.runMaintenance();
            DbStats st = db.stats();
            assertEquals(100, st.headSeries(), "the old job's series are only in blocks now");
            assertEquals(100, st.seriesRemoved());
            assertEquals(100, st.seriesRegistryEntries(), "registry follows the head");
            // The limit counts live series only, so the next restart's series fit again.
            Appender a = db.appender();
            for (int s = 0; s < 150; s++) {
                a.append(0, Labels.of("__name__", "flink_numRecordsIn", "job", "third-job", "subtask_index", Integer.toString(s)),
                        T0 + 6 * H, s);
            }
            a.commit();
            Appender b = db.appender();
            AppendRejectedException e = assertThrows(AppendRejectedException.class,
                    () -> {
                        for (int s = 0; s < 100; s++) {
                            b.append(0, Labels.of("__name__", "x", "i", Integer.toString(s)), T0 + 6 * H, s);
                        }
                    });
            assertEquals(AppendRejectedException.Reason.SERIES_LIMIT, e.reason());
            b.rollback();
            // Old data still reads back from the blocks.
            try (Querier q = db.querier(T0, T0 + H - 1)) {
                SeriesSet set = q.select(true, null, Matcher.eq("job", "old-job"));
                int n = 0;
                while (set.next()) {
                    n++;
                }
                assertEquals(100, n);
            }
        }
    }

    static void compareAll(Storage db, Storage ref) {
        long[][] ranges = {{Long.MIN_VALUE, Long.MAX_VALUE}, {T0 + H, T0 + 5 * H}, {T0 + 4 * H - 1, T0 + 4 * H + 1},
            {T0 - 22 * H, T0 - 21 * H}, {T0 + 6 * H, T0 + 8 * H}};
        for (long[] r : ranges) {
            try (Querier q1 = ref.querier(r[0], r[1]); Querier q2 = db.querier(r[0], r[1])) {
                Matcher m = Matcher.of(Matcher.Type.RE, "__name__", ".+");
                assertEquals(dump(q1.select(true, null, m)), dump(q2.select(true, null, m)), "range " + r[0] + ".." + r[1]);
                assertEquals(q1.labelValues("__name__"), q2.labelValues("__name__"));
            }
        }
    }

    private static List<String> dump(SeriesSet set) {
        List<String> out = new ArrayList<>();
        while (set.next()) {
            StringBuilder sb = new StringBuilder(set.at().labels().toString()).append(':');
            SampleIterator it = set.at().iterator(null);
            int n = 0;
            long sum = 0;
            while (it.next()) {
                n++;
                sum = sum * 31 + it.t() * 17 + Double.doubleToRawLongBits(it.v());
            }
            out.add(sb.append(n).append('/').append(sum).toString());
        }
        return out;
    }
}
