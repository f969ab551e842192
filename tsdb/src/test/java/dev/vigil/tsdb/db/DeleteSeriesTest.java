package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.tombstones.TombstoneFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** delete_series, clean_tombstones and snapshots at the store level, across head, blocks and restarts. */
class DeleteSeriesTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path dir;

    @Test
    void deletedSamplesVanishAtOnceStayDeletedAndCleanRewritesBlocks() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir.resolve("data")).seriesRegistry(false).clock(now::get).build();
        Map<String, List<long[]>> expected;
        try (Db db = Db.open(o)) {
            fill(db, now);
            db.runMaintenance();
            assertTrue(db.stats().blocks().size() >= 2, "blocks: " + db.stats().blocks());
            Map<String, List<long[]>> before = dump(db);
            // Deletes job="a" inside 1h..6h: in blocks and in the head.
            db.deleteSeries(T0 + H, T0 + 6 * H, Matcher.eq("job", "a"));
            expected = without(before, "job=a", T0 + H, T0 + 6 * H);
            assertSame(expected, dump(db));
            assertTrue(Files.exists(o.dir().resolve(TombstoneFile.NAME)));
        }
        try (Db db = Db.open(o)) {
            assertSame(expected, dump(db));
            long blocksBefore = db.stats().blocks().size();
            List<String> ulidsBefore = db.stats().blocks().stream().map(DbStats.BlockInfo::ulid).toList();
            assertTrue(deletedInBlockFiles(o.dir(), db) > 0, "before cleaning, the block files still hold the data");
            int rewritten = db.cleanTombstones();
            assertTrue(rewritten > 0, "blocks rewritten");
            assertEquals(blocksBefore, db.stats().blocks().size());
            assertFalse(db.stats().blocks().stream().map(DbStats.BlockInfo::ulid).toList().equals(ulidsBefore));
            assertEquals(0, deletedInBlockFiles(o.dir(), db), "the rewritten block files do not");
            assertSame(expected, dump(db));
            assertFalse(db.tombstones().isEmpty(), "the tombstone still covers the head's part");
        }
        try (Db db = Db.open(o)) {
            assertSame(expected, dump(db));
            // More maintenance (cut, compaction) keeps it deleted.
            now.set(T0 + 20 * H);
            Appender a = db.appender();
            a.append(0, Labels.of("__name__", "m", "job", "a", "i", "0"), T0 + 20 * H, 1);
            a.commit();
            db.runMaintenance();
            Map<String, List<long[]>> after = dump(db);
            // A sample appended after the deletion is not deleted: the range was cut to the data then.
            int late = 0;
            for (List<long[]> l : after.values()) {
                late += l.removeIf(x -> x[0] == T0 + 20 * H) ? 1 : 0;
            }
            assertEquals(1, late);
            assertSame(expected, after);
        }
    }

    @Test
    void snapshotWithHeadOpensAsTheSameData() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir.resolve("data")).seriesRegistry(false).clock(now::get).build();
        Path snap = dir.resolve("data/snapshots/x");
        Map<String, List<long[]>> at;
        try (Db db = Db.open(o)) {
            fill(db, now);
            db.runMaintenance();
            db.deleteSeries(T0 + 5 * H, T0 + 6 * H, Matcher.eq("job", "b"));
            at = dump(db);
            db.snapshot(snap, true);
            Appender a = db.appender();
            a.append(0, Labels.of("__name__", "m", "job", "late"), now.get() + 1000, 1);
            a.commit();
        }
        try (Db s = Db.open(DbOptions.builder(snap).seriesRegistry(false).clock(now::get).build())) {
            assertSame(at, dump(s));
        }
    }

    @Test
    void aDeletionThatCannotBeMadeDurableDeletesNothing() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        FaultyFileIo io = new FaultyFileIo();
        DbOptions o = DbOptions.builder(dir.resolve("data")).seriesRegistry(false).clock(now::get).io(io).build();
        Map<String, List<long[]>> before;
        try (Db db = Db.open(o)) {
            fill(db, now);
            before = dump(db);
            io.failWhen = (op, p) -> op == FaultyFileIo.Op.RENAME && p.getFileName().toString().equals("tombstones.tmp");
            assertThrows(IOException.class, () -> db.deleteSeries(T0, T0 + H, Matcher.eq("job", "a")));
            assertSame(before, dump(db));
            io.failWhen = (op, p) -> false;
            io.bytesUntilFull = 0; // disk full
            assertThrows(IOException.class, () -> db.deleteSeries(T0, T0 + H, Matcher.eq("job", "a")));
            assertSame(before, dump(db));
            assertTrue(db.tombstones().isEmpty());
            io.bytesUntilFull = Long.MAX_VALUE;
        }
        assertFalse(Files.exists(o.dir().resolve(TombstoneFile.NAME)));
        try (Db db = Db.open(o)) {
            assertSame(before, dump(db));
        }
    }

    @Test
    void damagedTombstonesFileStopsTheOpen() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir.resolve("data")).seriesRegistry(false).clock(now::get).build();
        try (Db db = Db.open(o)) {
            fill(db, now);
            db.deleteSeries(T0, T0 + H, Matcher.eq("job", "a"));
        }
        Path f = o.dir().resolve(TombstoneFile.NAME);
        byte[] b = Files.readAllBytes(f);
        b[8] ^= 1;
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> Db.open(o));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    /** Samples of job="a" in [1h, 6h] read straight from the block files, without tombstones. */
    private static long deletedInBlockFiles(Path data, Db db) {
        long n = 0;
        for (DbStats.BlockInfo bi : db.stats().blocks()) {
            Block b = Block.open(FileIo.DEFAULT, data.resolve(bi.ulid()));
            try (Querier q = b.querier(T0 + H, T0 + 6 * H)) {
                SeriesSet set = q.select(false, null, Matcher.eq("job", "a"));
                while (set.next()) {
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static void fill(Db db, AtomicLong now) throws IOException {
        for (long t = T0; t < T0 + 7 * H; t += 60_000) {
            now.set(t);
            Appender a = db.appender();
            for (String job : new String[] {"a", "b"}) {
                for (int i = 0; i < 3; i++) {
                    a.append(0, Labels.of("__name__", "m", "job", job, "i", Integer.toString(i)), t, t / 1000.0 + i);
                }
            }
            a.commit();
        }
    }

    private static Map<String, List<long[]>> without(Map<String, List<long[]>> in, String sel, long from, long to) {
        String[] kv = sel.split("=");
        Map<String, List<long[]>> out = new TreeMap<>();
        in.forEach((k, v) -> {
            List<long[]> keep = new ArrayList<>();
            for (long[] s : v) {
                if (!(k.contains(kv[0] + "=\"" + kv[1] + "\"") && s[0] >= from && s[0] <= to)) {
                    keep.add(s);
                }
            }
            out.put(k, keep);
        });
        return out;
    }

    static Map<String, List<long[]>> dump(Storage s) {
        Map<String, List<long[]>> out = new TreeMap<>();
        try (Querier q = s.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, Matcher.eq("__name__", "m"));
            while (set.next()) {
                List<long[]> samples = new ArrayList<>();
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    samples.add(new long[] {it.t(), Double.doubleToRawLongBits(it.v())});
                }
                out.put(set.at().labels().toString(), samples);
            }
        }
        return out;
    }

    private static void assertSame(Map<String, List<long[]>> want, Map<String, List<long[]>> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            List<long[]> w = want.get(k);
            List<long[]> g = got.get(k);
            assertEquals(w.size(), g.size(), k);
            for (int i = 0; i < w.size(); i++) {
                assertEquals(w.get(i)[0], g.get(i)[0], k + " sample " + i);
                assertEquals(w.get(i)[1], g.get(i)[1], k + " sample " + i);
            }
        }
    }
}
