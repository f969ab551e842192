package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart without a head snapshot takes over the chunks still in the head chunk files instead
 * of encoding their samples again. Whatever those files hold (intact, damaged, from another run,
 * or cut differently than a replay of a checkpoint would), the head must come back with exactly
 * the series and samples of a replay that encodes every sample from the WAL (the same folder
 * with the chunk files removed), and the reuse must really have happened.
 */
class ChunkReuseReplayTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    static final int SERIES = 150;

    @TempDir
    Path tmp;

    @Test
    void replayTakingOverChunksEqualsAReplayEncodingEverything() throws Exception {
        Path d = tmp.resolve("a");
        write(d, 1, 800, -1, -1, true);
        long taken = compareWithFullReplay(d);
        // 800 steps at 10 s: 6 full chunks per series at 120 samples, plus the open one; the
        // tenth of the series with late samples is set aside (see the class comment of ChunkReuse).
        assertTrue(taken >= SERIES * 4L, "only " + taken + " chunks taken over");
        assertTrue(setAside > 0 && setAside <= SERIES / 10, setAside + " series set aside");
    }

    @Test
    void aDamagedChunkFileCostsReuseNotData() throws Exception {
        Path d = tmp.resolve("a");
        write(d, 2, 800, -1, -1, true);
        Path f = d.resolve("chunks_head").resolve("000001");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            for (long at = 20_000; at < 20_064; at++) {
                raf.seek(at);
                int b = raf.read();
                raf.seek(at);
                raf.write(b ^ 0x5a);
            }
        }
        assertTrue(compareWithFullReplay(d) > 0, "the chunks before the damage are taken over");
    }

    @Test
    void chunksWhoseCountOrRangeDisagreeWithTheWalAreNotTaken() throws Exception {
        // Run b lacks series 7's sample at step 300 and has series 11's times 1 ms later from
        // step 500 on; otherwise it is run a. Run a's chunk files are put beside run b's WAL: the
        // chunks holding those steps are followed part-way, and what was counted is not the
        // chunk's samples, so both series are applied again from the WAL in a second pass.
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        write(a, 3, 700, -1, -1, false);
        write(b, 3, 700, 7, 11, false);
        deleteTree(b.resolve("chunks_head"));
        copyTree(a.resolve("chunks_head"), b.resolve("chunks_head"));
        assertTrue(compareWithFullReplay(b) > 0);
        assertEquals(2, setAside);
    }

    @Test
    void chunksReachingPastTheEndOfTheWalAreNotTaken() throws Exception {
        // Run b is run a stopped 45 steps earlier (a WAL that lost its tail): the chunks of run a
        // reaching past its end are followed to the WAL's end and their samples appended.
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        write(a, 5, 700, -1, -1, false);
        write(b, 5, 655, -1, -1, false);
        deleteTree(b.resolve("chunks_head"));
        copyTree(a.resolve("chunks_head"), b.resolve("chunks_head"));
        assertTrue(compareWithFullReplay(b) > 0);
        assertEquals(0, setAside);
    }

    @Test
    void chunksCutBeforeACheckpointMergedOutOfOrderSamplesIn() throws Exception {
        // 4.5 h: maintenance cuts a block and checkpoints the WAL, whose samples are in time
        // order, so replaying it puts the out-of-order samples inside in-order chunks.
        Path d = tmp.resolve("a");
        write(d, 4, 1620, -1, -1, true);
        compareWithFullReplay(d);
    }

    @Test
    void aSeriesRegistryCreatedWhileTheWalIsReplayedHoldsEverySeries() throws Exception {
        // The chunk files name the series, so the registry (absent, as after a kill) is created
        // on another thread during the replay and filled from the head before serving.
        Path d = tmp.resolve("a");
        write(d, 6, 400, -1, -1, false);
        Files.deleteIfExists(d.resolve(Db.SNAPSHOT));
        long now = T0 + 24 * H;
        DbOptions withRegistry = DbOptions.builder(d).clock(() -> now).retentionMs(1000 * 24 * H).build();
        try (Db db = Db.open(withRegistry)) {
            assertTrue(db.head().replayChunksTaken() >= SERIES * 2L);
            assertEquals(SERIES, db.stats().seriesRegistryEntries());
            Appender a = db.appender();
            // Within the head's range (a sample a day later would cut the rest into a block).
            a.append(0, Labels.of("__name__", "new_after_replay"), T0 + 400 * 10_000L, 1);
            a.commit();
        }
        try (Db db = Db.open(withRegistry)) {
            assertEquals(SERIES + 1, db.stats().seriesRegistryEntries());
            assertEquals(0, db.stats().seriesRegistryMismatches());
        }
    }

    private long setAside;

    /** Reopens {@code d} without its snapshot, and a copy without its chunk files too; returns chunks taken over. */
    private long compareWithFullReplay(Path d) throws Exception {
        Path ref = tmp.resolve("reference");
        copyTree(d, ref);
        Files.deleteIfExists(d.resolve(Db.SNAPSHOT));
        Files.deleteIfExists(ref.resolve(Db.SNAPSHOT));
        deleteTree(ref.resolve("chunks_head"));
        long taken;
        List<String> expected;
        List<String> actual;
        long now = T0 + 24 * H;
        try (Db r = Db.open(options(ref, new AtomicLong(now)))) {
            assertEquals(0, r.head().replayChunksTaken());
            expected = dump(r);
        }
        try (Db db = Db.open(options(d, new AtomicLong(now)))) {
            taken = db.head().replayChunksTaken();
            setAside = db.head().replaySeriesSetAside();
            actual = dump(db);
        }
        assertEquals(expected.size(), actual.size(), "series");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i));
        }
        // Appends and a clean restart from the snapshot go on as usual after such a replay.
        try (Db db = Db.open(options(d, new AtomicLong(now)))) {
            assertTrue(db.startup().snapshotLoaded());
            assertEquals(expected, dump(db));
        }
        deleteTree(ref);
        return taken;
    }

    private static DbOptions options(Path d, AtomicLong now) {
        return DbOptions.builder(d).seriesRegistry(false).clock(now::get).retentionMs(1000 * 24 * H).build();
    }

    /**
     * Flink-like series at 10 s with jitter: counters, constants, noisy floats, staleness
     * markers; with {@code late}, some out-of-order and repeated samples in every tenth series.
     * {@code gapSeries} has no sample at step 300, {@code shiftedSeries} has its times 1 ms
     * later from step 500 on.
     */
    private static void write(Path d, long seed, int steps, int gapSeries, int shiftedSeries, boolean late)
            throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        AtomicLong now = new AtomicLong(T0);
        Labels[] ls = new Labels[SERIES];
        for (int i = 0; i < SERIES; i++) {
            ls[i] = Labels.of("__name__", "flink_metric_" + (i % 7), "subtask_index", Integer.toString(i));
        }
        try (Db db = Db.open(options(d, now))) {
            for (int k = 0; k < steps; k++) {
                long base = T0 + k * 10_000L;
                now.set(base + 5_000);
                Appender a = db.appender();
                for (int i = 0; i < SERIES; i++) {
                    long t = base + (k * 7L + i) % 5 + (i == shiftedSeries && k >= 500 ? 1 : 0);
                    double v = value(i, k, r);
                    if (i != gapSeries || k != 300) {
                        append(a, ls[i], t, v);
                    }
                    if (late && i % 10 == 0 && r.nextInt(100) < 3 && k > 60) {
                        // Out of order: a few minutes back, between two regular samples (not
                        // the last interval: a commit applies its samples series by series, so
                        // there it may come before this step's sample and be in order).
                        long back = base - (2 + r.nextInt(30)) * 10_000L + 5 + r.nextInt(4);
                        append(a, ls[i], back, (back % 1000) / 8.0);
                    }
                    if (late && i % 10 == 0 && r.nextInt(100) < 1) {
                        append(a, ls[i], t, v); // the same sample again: stored once
                    }
                }
                a.commit();
                if (k % 360 == 359) {
                    db.runMaintenance();
                }
            }
        }
    }

    private static void append(Appender a, Labels l, long t, double v) {
        try {
            a.append(0, l, t, v);
        } catch (AppendRejectedException e) {
            // a repeated out-of-order time with another value: refused, as it would be live
        }
    }

    private static double value(int i, int k, SplittableRandom r) {
        return switch (i % 5) {
            case 0 -> k * (100 + i % 7) + r.nextInt(17);
            case 1 -> 0.0;
            case 2 -> k % 50 == 49 ? Double.longBitsToDouble(0x7ff0000000000002L) : (i % 3) + (k / 30) % 2;
            case 3 -> Math.round(Math.sin(k / 10.0 + i) * 1000) / 1000.0;
            default -> r.nextDouble() * 1e6;
        };
    }

    private static List<String> dump(Db db) {
        List<String> out = new ArrayList<>();
        try (Querier q = db.querier(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4)) {
            SeriesSet s = q.select(true, null, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            SampleIterator reuse = null;
            while (s.next()) {
                SampleIterator it = s.at().iterator(reuse);
                reuse = it;
                StringBuilder sb = new StringBuilder(s.at().labels().toString()).append(':');
                int n = 0;
                while (it.next()) {
                    sb.append(' ').append(it.t()).append('=').append(Long.toHexString(Double.doubleToRawLongBits(it.v())));
                    n++;
                }
                out.add(sb.append(" (").append(n).append(')').toString());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
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

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
