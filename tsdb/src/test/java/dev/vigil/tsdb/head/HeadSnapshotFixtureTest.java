package dev.vigil.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder written by head snapshot format version 1 (docs/format/head-snapshot.md) still
 * loads: snapshot, the WAL segment it ends at, and the head chunk file it refers to (cut to its
 * used length). Regenerate with {@code -Dvigil.writeFixtures=DIR} only when the format version changes.
 */
class HeadSnapshotFixtureTest {
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    static Labels series(int i) {
        return Labels.of("__name__", "flink_taskmanager_job_task_numRecordsIn", "subtask_index", Integer.toString(i));
    }

    /** Series 0: 130 samples (one full chunk + an open one); series 1: 3 samples incl. a staleness marker. */
    static double value(int i, int k) {
        if (i == 1 && k == 2) {
            return Double.longBitsToDouble(0x7ff0000000000002L);
        }
        return i == 0 ? k * 2 : 0.25 * k;
    }

    @Test
    void snapshotV1Loads() throws Exception {
        String out = System.getProperty("vigil.writeFixtures");
        if (out != null) {
            write(Path.of(out));
        }
        Path src = Path.of(HeadSnapshotFixtureTest.class.getResource("/format-v1/head-snapshot").toURI());
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).snapshotIntervalMs(0).clock(() -> T0).build())) {
            assertTrue(db.startup().snapshotLoaded(), "not loaded: " + db.startup().snapshotProblem());
            assertEquals(2, db.startup().snapshotSeries());
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                for (int i = 0; i < 2; i++) {
                    SeriesSet set = q.select(true, null, Matcher.eq("subtask_index", Integer.toString(i)));
                    assertTrue(set.next());
                    SampleIterator it = set.at().iterator(null);
                    int k = 0;
                    while (it.next()) {
                        assertEquals(T0 + 10_000L * k, it.t());
                        assertEquals(Double.doubleToRawLongBits(value(i, k)), Double.doubleToRawLongBits(it.v()));
                        k++;
                    }
                    assertEquals(i == 0 ? 130 : 3, k);
                }
            }
        }
    }

    private static void write(Path out) throws Exception {
        try (Db db = Db.open(DbOptions.builder(out).seriesRegistry(false).snapshotIntervalMs(0).clock(() -> T0).build())) {
            for (int k = 0; k < 130; k++) {
                Appender app = db.appender();
                for (int i = 0; i < 2; i++) {
                    if (i == 0 || k < 3) {
                        app.append(0, series(i), T0 + 10_000L * k, value(i, k));
                    }
                }
                app.commit();
            }
        }
        Path chunk = out.resolve("chunks_head").resolve("000001");
        // The file is a sparse 128 MiB mapping; only its used prefix matters.
        long used = 8;
        try (var ch = java.nio.channels.FileChannel.open(chunk, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            var m = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, 1 << 16);
            while (m.getInt((int) used + 25) > 0) {
                used += HeadChunks.RECORD_HEAD + m.getInt((int) used + 25) + 4;
            }
            ch.truncate(used);
        }
        Files.deleteIfExists(out.resolve("lock"));
    }
}
