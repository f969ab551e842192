package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart through the shutdown snapshot: a clean close writes it, the next open loads it
 * instead of replaying the WAL, and whatever is wrong with it (damage, WAL written after it,
 * head chunk files changed) falls back to the WAL without losing an acknowledged sample.
 */
class SnapshotRestartTest {
    static final long T0 = 1_700_000_000_000L;
    static final long STEP = 10_000;

    @TempDir
    Path dir;

    private DbOptions opts(Path d) {
        return DbOptions.builder(d).seriesRegistry(false).clock(() -> T0 + 3_600_000).build();
    }

    private static Labels series(int i) {
        return Labels.of("__name__", "flink_taskmanager_job_task_numRecordsIn", "job", "snap", "subtask_index",
                Integer.toString(i));
    }

    /** The value written for series i at step k: integers, NaN payloads, staleness markers, fractions. */
    private static long bits(int i, long k) {
        return switch ((int) ((i + k) % 7)) {
            case 0 -> Values.STALE_NAN_BITS;
            case 1 -> 0x7ff8000000000000L | (k & 0xfff);
            case 2 -> Double.doubleToRawLongBits(-0.0);
            case 3 -> Double.doubleToRawLongBits(k * 0.1 + i);
            default -> Double.doubleToRawLongBits(k * 3 + i);
        };
    }

    /** Writes steps [from, to) for {@code n} series, plus an out-of-order sample per series. */
    private static void write(Db db, int n, long from, long to, Map<Labels, TreeMap<Long, Long>> expect)
            throws IOException {
        for (long k = from; k < to; k++) {
            Appender app = db.appender();
            for (int i = 0; i < n; i++) {
                long t = T0 + k * STEP + i;
                app.append(0, series(i), t, Double.longBitsToDouble(bits(i, k)));
                expect.computeIfAbsent(series(i), x -> new TreeMap<>()).put(t, bits(i, k));
            }
            app.metadata("flink_taskmanager_job_task_numRecordsIn", new Metadata("counter", "records in", ""));
            app.commit();
        }
        // one sample between two existing ones: out of order, kept in the series' side buffer
        Appender app = db.appender();
        for (int i = 0; i < n; i++) {
            long t = T0 + (from + 1) * STEP + i - 5;
            app.append(0, series(i), t, 42.5);
            expect.get(series(i)).put(t, Double.doubleToRawLongBits(42.5));
        }
        app.commit();
    }

    private static void assertHolds(Db db, Map<Labels, TreeMap<Long, Long>> expect) {
        try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            for (var e : expect.entrySet()) {
                List<Matcher> ms = new ArrayList<>();
                e.getKey().forEach((k, v) -> ms.add(Matcher.eq(k, v)));
                SeriesSet set = q.select(true, null, ms.toArray(new Matcher[0]));
                assertTrue(set.next(), "series " + e.getKey() + " missing");
                TreeMap<Long, Long> got = new TreeMap<>();
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    got.put(it.t(), Double.doubleToRawLongBits(it.v()));
                }
                assertEquals(e.getValue(), got, "samples of " + e.getKey());
            }
        }
    }

    @Test
    void cleanRestartLoadsTheSnapshotBitExactAndKeepsAppending() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        try (Db db = Db.open(opts(dir))) {
            write(db, 20, 0, 300, expect); // two full chunks per series in the chunk files, one open
        }
        assertTrue(Files.exists(dir.resolve(Db.SNAPSHOT)));
        try (Db db = Db.open(opts(dir))) {
            Db.Startup st = db.startup();
            assertTrue(st.snapshotLoaded(), "snapshot not used: " + st.snapshotProblem());
            assertEquals(20, st.snapshotSeries());
            assertEquals(0, st.walRecords(), "nothing after the snapshot to replay");
            assertHolds(db, expect);
            assertEquals(new Metadata("counter", "records in", ""),
                    db.metadata().get("flink_taskmanager_job_task_numRecordsIn"));
            // the resumed open chunks take more samples, and new series get fresh ids
            write(db, 25, 300, 450, expect);
            assertHolds(db, expect);
        }
        try (Db db = Db.open(opts(dir))) {
            assertTrue(db.startup().snapshotLoaded());
            assertHolds(db, expect);
        }
        // The WAL alone gives the same answer.
        Files.delete(dir.resolve(Db.SNAPSHOT));
        try (Db db = Db.open(opts(dir))) {
            assertFalse(db.startup().snapshotLoaded());
            assertHolds(db, expect);
        }
    }

    @Test
    void damagedSnapshotIsSetAsideAndTheWalServesEverything() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        try (Db db = Db.open(opts(dir))) {
            write(db, 10, 0, 200, expect);
        }
        Path snap = dir.resolve(Db.SNAPSHOT);
        byte[] b = Files.readAllBytes(snap);
        for (int k = 0; k < 3; k++) {
            b[b.length / 2 + k] ^= (byte) 0x5a;
        }
        Files.write(snap, b);
        try (Db db = Db.open(opts(dir))) {
            Db.Startup st = db.startup();
            assertFalse(st.snapshotLoaded());
            assertNotNull(st.snapshotProblem());
            assertTrue(st.snapshotProblem().contains("checksum"), st.snapshotProblem());
            assertTrue(Files.exists(dir.resolve(Db.SNAPSHOT + ".damaged")));
            assertHolds(db, expect);
        }
    }

    @Test
    void damagedHeadChunkFileMakesTheWalServeEverything() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        try (Db db = Db.open(opts(dir))) {
            write(db, 10, 0, 300, expect);
        }
        Path chunkFile = dir.resolve("chunks_head").resolve("000001");
        try (var ch = java.nio.channels.FileChannel.open(chunkFile, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 100);
        }
        try (Db db = Db.open(opts(dir))) {
            Db.Startup st = db.startup();
            assertFalse(st.snapshotLoaded());
            assertTrue(st.snapshotProblem().contains("checksum"), st.snapshotProblem());
            assertHolds(db, expect);
        }
        // and the next clean restart is a snapshot one again
        try (Db db = Db.open(opts(dir))) {
            assertTrue(db.startup().snapshotLoaded());
            assertHolds(db, expect);
        }
    }

    @Test
    void walWrittenAfterTheSnapshotIsReplayedOnTopOfIt() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        Path crashed = dir.resolve("crashed");
        Path live = dir.resolve("live");
        try (Db db = Db.open(opts(live))) {
            write(db, 15, 0, 250, expect);
        }
        try (Db db = Db.open(opts(live))) {
            assertTrue(db.startup().snapshotLoaded());
            write(db, 18, 250, 500, expect);
            // What a kill -9 leaves now: the files as they are, page cache included.
            copyTree(live, crashed);
        }
        try (Db db = Db.open(opts(crashed))) {
            Db.Startup st = db.startup();
            assertTrue(st.snapshotLoaded(), "snapshot plus WAL tail: " + st.snapshotProblem());
            assertTrue(st.walRecords() > 0);
            assertHolds(db, expect);
        }
    }

    @Test
    void snapshotTakenWhileCommitsRunPlusTheWalAfterItLosesNothing() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        Map<Labels, TreeMap<Long, Long>> during = new java.util.HashMap<>();
        Path crashed = dir.resolve("crashed");
        Path live = dir.resolve("live");
        try (Db db = Db.open(DbOptions.builder(live).seriesRegistry(false).snapshotIntervalMs(0)
                .clock(() -> T0 + 3_600_000).build())) {
            write(db, 12, 0, 200, expect);
            db.writeSnapshot();
            // Commits to the same series (and new ones) keep going while the next snapshot is taken.
            Thread writer = new Thread(() -> {
                try {
                    Map<Labels, TreeMap<Long, Long>> mine = new java.util.HashMap<>();
                    for (long k = 200; k < 400; k += 10) {
                        write(db, 16, k, k + 10, mine);
                    }
                    synchronized (during) {
                        during.putAll(mine);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            for (int i = 0; i < 5; i++) {
                db.writeSnapshot();
            }
            writer.join();
            assertEquals(6, db.snapshotsWritten());
            write(db, 16, 400, 420, during);
            // What a kill -9 leaves now.
            copyTree(live, crashed);
        }
        during.forEach((l, m) -> expect.computeIfAbsent(l, x -> new TreeMap<>()).putAll(m));
        try (Db db = Db.open(opts(crashed))) {
            Db.Startup st = db.startup();
            assertTrue(st.snapshotLoaded(), "snapshot plus WAL tail: " + st.snapshotProblem());
            assertTrue(st.walRecords() > 0);
            assertHolds(db, expect);
        }
    }

    @Test
    void maintenanceWritesSnapshotsWhileRunning() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        Path crashed = dir.resolve("crashed");
        Path live = dir.resolve("live");
        try (Db db = Db.open(DbOptions.builder(live).seriesRegistry(false).snapshotIntervalMs(1)
                .clock(() -> T0 + 3_600_000).build())) {
            // The round at open may write one too (with a 1 ms interval, on a slow machine).
            long atOpen = db.snapshotsWritten();
            write(db, 8, 0, 150, expect);
            Thread.sleep(2);
            db.runMaintenance();
            assertEquals(atOpen + 1, db.snapshotsWritten());
            write(db, 8, 150, 170, expect);
            copyTree(live, crashed);
        }
        try (Db db = Db.open(opts(crashed))) {
            Db.Startup st = db.startup();
            assertTrue(st.snapshotLoaded(), "periodic snapshot: " + st.snapshotProblem());
            assertEquals(8, st.snapshotSeries());
            assertTrue(st.walRecords() > 0, "the 20 steps after it come from the WAL");
            assertHolds(db, expect);
        }
    }

    @Test
    void snapshotIsIgnoredOnceTheWalBeforeItChanged() throws Exception {
        Map<Labels, TreeMap<Long, Long>> expect = new java.util.HashMap<>();
        try (Db db = Db.open(opts(dir))) {
            write(db, 5, 0, 50, expect);
        }
        // a segment rewritten behind the snapshot's back (here: one byte appended)
        Path wal = dir.resolve("wal");
        Path last;
        try (Db db = Db.open(opts(dir))) {
            assertTrue(db.startup().snapshotLoaded());
        }
        try (Stream<Path> s = Files.list(wal)) {
            last = s.filter(p -> p.getFileName().toString().length() == 8).sorted().reduce((a, b) -> b).orElseThrow();
        }
        Files.write(last, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        try (Db db = Db.open(opts(dir))) {
            Db.Startup st = db.startup();
            assertFalse(st.snapshotLoaded());
            assertTrue(st.snapshotProblem().startsWith("stale"), st.snapshotProblem());
            assertFalse(Files.exists(dir.resolve(Db.SNAPSHOT + ".damaged")));
            assertHolds(db, expect);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
