package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockQuerierTest {
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void writesOpensAndAnswersLikeTheSource() throws Exception {
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(7, 2, T0, 720, 10_000, 4);
        MemoryStorage mem = FlinkShapedData.toStorage(data);
        long maxt = T0 + 2 * 3_600_000L;
        BlockMeta meta;
        try (Querier src = mem.querier(T0, maxt)) {
            meta = new BlockWriter(FaultyFileIo.noSync()).writeBlock(dir, src.select(true, null), T0, maxt, 1, List.of());
        }
        assertEquals(data.size(), meta.stats().numSeries());
        assertEquals(data.size() * 720L, meta.stats().numSamples());
        assertEquals(List.of(meta.ulid()), meta.compaction().sources());
        assertTrue(Files.exists(dir.resolve(meta.ulid()).resolve("meta.json")));
        assertFalse(Files.exists(dir.resolve(meta.ulid() + ".tmp")));
        Block block = Block.open(FileIo.DEFAULT, dir.resolve(meta.ulid()));
        block.verifyChunks();
        assertEquals(meta, block.meta());

        SplittableRandom r = new SplittableRandom(11);
        List<String> names = List.of("__name__", "job", "tm_id", "host", "nope");
        for (int round = 0; round < 60; round++) {
            long a = T0 + r.nextLong(-600_000, 7_500_000);
            long b = a + r.nextLong(0, 3_000_000);
            Matcher[] ms = randomMatchers(r, data, names);
            try (Querier expected = mem.querier(a, b); Querier actual = block.querier(a, b)) {
                QueryAssert.assertSame(expected, actual, ms);
            }
        }
    }

    @Test
    void repeatedSelectorsAnswerTheSameFromTheBlocksPostingsCache() throws Exception {
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(5, 2, T0, 120, 60_000, 3);
        MemoryStorage mem = FlinkShapedData.toStorage(data);
        long maxt = T0 + 2 * 3_600_000L;
        Block block = blockOf(mem, maxt);
        SplittableRandom r = new SplittableRandom(12);
        List<String> names = List.of("__name__", "job", "tm_id", "host", "nope");
        List<Matcher[]> sets = new java.util.ArrayList<>();
        for (int i = 0; i < 3 * PostingsCache.ENTRIES; i++) {
            sets.add(randomMatchers(r, data, names));
        }
        // Each set asked three times, a dashboard's refreshes, with the cache full and evicting.
        for (int pass = 0; pass < 3; pass++) {
            for (Matcher[] ms : sets) {
                try (Querier expected = mem.querier(T0, maxt); Querier actual = block.querier(T0, maxt)) {
                    QueryAssert.assertSame(expected, actual, ms);
                    assertEquals(expected.labelValues("tm_id", ms), actual.labelValues("tm_id", ms));
                }
            }
            assertTrue(block.postingsCache().size() <= PostingsCache.ENTRIES, "entries " + block.postingsCache().size());
        }
        assertTrue(block.postingsCache().size() > 0);
    }

    @Test
    void cachedPostingsSharedByConcurrentQueriesAnswerTheSame() throws Exception {
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(5, 2, T0, 120, 60_000, 3);
        MemoryStorage mem = FlinkShapedData.toStorage(data);
        long maxt = T0 + 2 * 3_600_000L;
        Block block = blockOf(mem, maxt);
        SplittableRandom r = new SplittableRandom(13);
        List<String> names = List.of("__name__", "job", "tm_id", "host");
        List<Matcher[]> sets = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sets.add(randomMatchers(r, data, names));
        }
        // Two dashboards refreshing at once read the same cached bitmaps.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < 25; round++) {
                        for (Matcher[] ms : sets) {
                            try (Querier expected = mem.querier(T0, maxt); Querier actual = block.querier(T0, maxt)) {
                                QueryAssert.assertSame(expected, actual, ms);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code mem}'s samples in [T0, maxt) written as one block, opened. */
    private Block blockOf(MemoryStorage mem, long maxt) throws Exception {
        BlockMeta meta;
        try (Querier src = mem.querier(T0, maxt)) {
            meta = new BlockWriter(FaultyFileIo.noSync()).writeBlock(dir, src.select(true, null), T0, maxt, 1, List.of());
        }
        return Block.open(FileIo.DEFAULT, dir.resolve(meta.ulid()));
    }

    static Matcher[] randomMatchers(SplittableRandom r, List<FlinkShapedData.Series> data, List<String> names) {
        int n = 1 + r.nextInt(3);
        Matcher[] ms = new Matcher[n];
        for (int i = 0; i < n; i++) {
            String name = names.get(r.nextInt(names.size()));
            String value = data.get(r.nextInt(data.size())).labels().get(name);
            Matcher.Type type = Matcher.Type.values()[r.nextInt(4)];
            if (type == Matcher.Type.RE || type == Matcher.Type.NRE) {
                value = switch (r.nextInt(4)) {
                    case 0 -> value.isEmpty() ? ".*" : value.substring(0, Math.min(value.length(), 12)) + ".*";
                    case 1 -> ".*(counter|rate)_1.*";
                    case 2 -> value + "|";
                    default -> ".+";
                };
            }
            ms[i] = Matcher.of(type, name, value);
        }
        // A selector needs one matcher that does not match ""; most random ones do.
        if (allMatchEmpty(ms)) {
            ms[0] = Matcher.of(Matcher.Type.RE, "__name__", ".+");
        }
        return ms;
    }

    private static boolean allMatchEmpty(Matcher[] ms) {
        for (Matcher m : ms) {
            if (!m.matchesEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void seekAndReuseFollowTheIteratorContract() throws Exception {
        MemoryStorage mem = new MemoryStorage();
        Appender app = mem.appender();
        Labels a = Labels.of("__name__", "a");
        Labels b = Labels.of("__name__", "b");
        for (int i = 0; i < 20_000; i++) {
            app.append(0, a, 1000L * i, i);
            if (i % 3 == 0) {
                app.append(0, b, 1000L * i + 1, i == 19_998 ? Values.STALE_NAN : i * 0.5);
            }
        }
        app.commit();
        BlockMeta meta;
        try (Querier src = mem.querier(0, Long.MAX_VALUE)) {
            meta = new BlockWriter(FaultyFileIo.noSync()).writeBlock(dir, src.select(true, null), 0, 20_000_000, 1, List.of());
        }
        assertEquals(3 + 1, meta.stats().numChunks()); // a: 20 000 samples in 3 chunks of ≤ 8192; b: 6 667 in 1
        Block block = Block.open(FileIo.DEFAULT, dir.resolve(meta.ulid()));
        try (Querier q = block.querier(5_000, 15_000_000)) {
            SeriesSet s = q.select(true, null, Matcher.of(Matcher.Type.RE, "__name__", "a|b"));
            assertTrue(s.next());
            SampleIterator it = s.at().iterator(null);
            assertTrue(it.seek(0));
            assertEquals(5_000, it.t());
            assertTrue(it.seek(9_000_000)); // into the second chunk
            assertEquals(9_000_000, it.t());
            assertTrue(it.seek(8_000_000)); // never backwards
            assertEquals(9_000_000, it.t());
            assertTrue(it.next());
            assertEquals(9_001_000, it.t());
            assertTrue(it.seek(15_000_000));
            assertFalse(it.next());
            assertFalse(it.seek(15_000_001));
            assertTrue(s.next());
            SampleIterator it2 = s.at().iterator(it);
            assertTrue(it == it2, "iterator recycled");
            assertTrue(it2.seek(14_997_000));
            assertEquals(14_997_001, it2.t());
            assertFalse(it2.next());
            assertFalse(s.next());
        }
        try (Querier q = block.querier(0, 30_000_000)) {
            SeriesSet s = q.select(true, null, Matcher.eq("__name__", "b"));
            assertTrue(s.next());
            SampleIterator it = s.at().iterator(null);
            assertTrue(it.seek(19_998_001));
            assertTrue(Values.isStaleNaN(it.v()));
        }
        // A range between two samples of the only chunk: the series has nothing there.
        try (Querier q = block.querier(1_500, 1_600)) {
            assertFalse(q.select(true, null, Matcher.eq("__name__", "a")).next());
        }
    }
}
