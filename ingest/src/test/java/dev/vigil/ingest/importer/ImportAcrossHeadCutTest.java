package dev.vigil.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.testing.ForwardingAppender;
import dev.vigil.tsdb.testing.ForwardingStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streamed import laid out series after series while maintenance cuts the head into blocks
 * under it: between a batch's appends and its commit (samples pended, their series truncated
 * or dropped from the head) and between batches (cached series references gone stale). Every
 * acknowledged sample must be stored once, with its value, read back live and after kill -9.
 */
class ImportAcrossHeadCutTest {
    private static final long H = 3_600_000L;
    private static final int SERIES = 250;
    private static final int STEPS = 600; // 10 h a series: the first series alone spans 5 block ranges

    @TempDir
    Path tmp;

    /** Runs maintenance (a head cut) inside every transaction, after its appends, before its commit. */
    private static final class CutBeforeCommit extends ForwardingStorage {
        final Db db;
        int commits;

        CutBeforeCommit(Db db) {
            super(db);
            this.db = db;
        }

        @Override
        public Appender appender() {
            return new ForwardingAppender(db.appender()) {
                @Override
                public void commit() throws IOException {
                    db.runMaintenance();
                    inner.commit();
                    commits++;
                }
            };
        }

        @Override
        public void close() {
            // the test closes the store itself
        }
    }

    private static String body(long t0, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < SERIES; s++) {
            for (int i = from; i < to; i++) {
                b.append("imp_cut{s=\"").append(s).append("\"} ").append(s * 100_000 + i).append(' ')
                        .append(t0 + i * 60_000L).append('\n');
            }
        }
        return b.toString();
    }

    /** Series → samples read; fails on any value that is not the one imported at its time. */
    private static Map<Integer, Integer> read(Storage st, long t0) {
        Map<Integer, Integer> out = new TreeMap<>();
        try (Querier q = st.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.eq("__name__", "imp_cut"));
            while (ss.next()) {
                int s = Integer.parseInt(ss.at().labels().get("s"));
                SampleIterator it = ss.at().iterator(null);
                int n = 0;
                long prev = Long.MIN_VALUE;
                while (it.next()) {
                    assertTrue(it.t() > prev, "series " + s + " repeats or reorders " + it.t());
                    prev = it.t();
                    int i = (int) ((it.t() - t0) / 60_000L);
                    assertEquals(s * 100_000 + i, it.v(), "series " + s + " at step " + i);
                    n++;
                }
                out.put(s, n);
            }
        }
        return out;
    }

    private static Map<Integer, Integer> expected(int steps) {
        Map<Integer, Integer> m = new TreeMap<>();
        for (int s = 0; s < SERIES; s++) {
            m.put(s, steps);
        }
        return m;
    }

    @Test
    void everyAcknowledgedSampleSurvivesHeadCutsMidImportAndACrash() throws Exception {
        Path data = tmp.resolve("data");
        Path crashed = tmp.resolve("crashed");
        long t0 = (System.currentTimeMillis() - 48 * H) / 60_000 * 60_000 + 17 * 60_000L; // not on a range boundary
        String old = System.setProperty(Db.MAINTENANCE_INTERVAL_PROPERTY, Long.toString(24 * H)); // only ours
        try (Db db = Db.open(DbOptions.builder(data).build())) {
            CutBeforeCommit st = new CutBeforeCommit(db);
            ImportAppender imp = new ImportAppender(st, System::currentTimeMillis);
            // Two requests of the same series: the second reuses the first's reference cache,
            // whose series the cuts have truncated or dropped from the head meanwhile.
            long n1 = imp.importBody(new ByteArrayInputStream(body(t0, 0, STEPS / 2).getBytes(StandardCharsets.UTF_8)),
                    "text/plain", null, List.of(), 0);
            db.runMaintenance();
            long n2 = imp.importBody(new ByteArrayInputStream(body(t0, STEPS / 2, STEPS).getBytes(StandardCharsets.UTF_8)),
                    "text/plain", null, List.of(), 0);
            assertEquals((long) SERIES * STEPS, n1 + n2, "samples acknowledged");
            assertTrue(st.commits >= 4, "batches committed: " + st.commits);
            assertTrue(db.headCuts() >= 4, "head cuts during the import: " + db.headCuts());
            assertEquals(expected(STEPS), read(db, t0), "read live");
            assertEquals(0, db.stats().rejectedAtCommit(), "samples dropped at commit");
            copyWithoutLock(data, crashed); // kill -9: whatever is on disk now, no close
            db.runMaintenance(); // and compaction of the overlapping blocks the cuts left
            assertEquals(expected(STEPS), read(db, t0), "read after compaction");
        } finally {
            if (old == null) {
                System.clearProperty(Db.MAINTENANCE_INTERVAL_PROPERTY);
            } else {
                System.setProperty(Db.MAINTENANCE_INTERVAL_PROPERTY, old);
            }
        }
        try (Db db = Db.open(DbOptions.builder(crashed).build())) {
            assertEquals(expected(STEPS), read(db, t0), "read after reopening without a clean close");
        }
        try (Db db = Db.open(DbOptions.builder(data).build())) {
            assertEquals(expected(STEPS), read(db, t0), "read after a clean close");
        }
    }

    private static void copyWithoutLock(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else if (!p.getFileName().toString().equals("lock")) {
                    Files.copy(p, q);
                }
            }
        }
    }
}
