package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionRetentionTest {
    static final long H = 3_600_000L;
    static final long DAY = 24 * H;
    static final long RETENTION = 180 * DAY;
    /** Aligned to the largest range so every window holds whole blocks. */
    static final long START = Math.floorDiv(1_700_000_000_000L, 162 * H) * 162 * H;
    static final Matcher ALL = Matcher.of(Matcher.Type.RE, "__name__", ".+");

    @TempDir
    Path dir;

    private final FileIo fs = FaultyFileIo.noSync();

    /** A few series at 1-minute resolution: a counter, a gauge with decimals, a constant. */
    private static MemoryStorage minuteData(long from, long to) throws IOException {
        MemoryStorage mem = new MemoryStorage();
        Appender a = mem.appender();
        SplittableRandom r = new SplittableRandom(9);
        Labels counter = Labels.of("__name__", "records_total", "job", "flink");
        Labels gauge = Labels.of("__name__", "cpu_load", "job", "flink");
        Labels constant = Labels.of("__name__", "slots", "job", "flink");
        long c = 0;
        for (long t = from; t < to; t += 60_000) {
            c += r.nextInt(1000);
            a.append(0, counter, t, c);
            a.append(0, gauge, t + r.nextInt(5), r.nextInt(10_000) / 100.0);
            a.append(0, constant, t, 4);
        }
        a.append(0, constant, to - 1, Values.STALE_NAN);
        a.commit();
        return mem;
    }

    private void writeBlocks(BlockSet set, MemoryStorage mem, long from, long to, long range) throws IOException {
        for (long t = from; t < to; t += range) {
            try (Querier q = mem.querier(t, t + range - 1)) {
                BlockMeta m = new BlockWriter(fs).writeBlock(set.dir(), q.select(true, null), t, t + range, 1, List.of());
                set.add(m.ulid());
            }
        }
    }

    @Test
    void compactionMergesUpwardKeepingEverySample() throws IOException {
        long end = START + 3 * 162 * H;
        MemoryStorage mem = minuteData(START, end);
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            writeBlocks(set, mem, START, end, 2 * H);
            assertEquals(243, set.blocks().size());
            Set<String> level1 = new HashSet<>();
            set.blocks().forEach(b -> level1.add(b.meta().ulid()));
            List<BlockMeta> written = set.compact();
            assertFalse(written.isEmpty());
            List<Block> bs = set.blocks();
            // Two full 162 h blocks, then the last window minus its newest 2 h block as
            // 54 h + 54 h + 18 h + 18 h + 6 h + 6 h + 2 h + 2 h, then the newest block untouched.
            List<Long> spans = bs.stream().map(b -> (b.meta().maxTime() - b.meta().minTime()) / H).toList();
            assertEquals(List.of(162L, 162L, 54L, 54L, 18L, 18L, 6L, 6L, 2L, 2L, 2L), spans);
            assertEquals(5, bs.get(0).meta().compaction().level());
            assertEquals(81, bs.get(0).meta().compaction().sources().size());
            Set<String> sources = new HashSet<>();
            for (Block b : bs) {
                sources.addAll(b.meta().compaction().sources());
            }
            assertEquals(level1, sources, "every level-1 block is accounted for exactly once");
            for (int i = 1; i < bs.size(); i++) {
                assertEquals(bs.get(i - 1).meta().maxTime(), bs.get(i).meta().minTime());
            }
            try (Querier q = set.querier(START, end); Querier m = mem.querier(START, end)) {
                QueryAssert.assertSame(m, q, ALL);
            }
            try (Querier q = set.querier(START + 100 * H + 7, START + 300 * H); Querier m = mem.querier(START + 100 * H + 7, START + 300 * H)) {
                QueryAssert.assertSame(m, q, Matcher.eq("__name__", "cpu_load"));
            }
            try (Stream s = new Stream(dir)) {
                assertEquals(bs.size(), s.count, "input directories deleted");
            }
        }
    }

    /** Counts block directories. */
    private static final class Stream implements AutoCloseable {
        final long count;

        Stream(Path dir) throws IOException {
            try (var s = Files.list(dir)) {
                count = s.count();
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aCompactionInterruptedBeforeDeletingItsInputsIsFinishedAtOpen() throws IOException {
        MemoryStorage mem = minuteData(START, START + 8 * H);
        List<String> inputs = new ArrayList<>();
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            writeBlocks(set, mem, START, START + 6 * H, 2 * H);
            set.blocks().forEach(b -> inputs.add(b.meta().ulid()));
            // The merged block is published, then the process dies before removing the inputs.
            try (Querier q = new MergeQuerier(set.blocks().stream().map(b -> b.querier(START, START + 6 * H - 1)).toList())) {
                new BlockWriter(fs).writeBlock(dir, q.select(true, null), START, START + 6 * H, 2, inputs);
            }
            Files.createDirectories(dir.resolve(Ulid.next(0) + BlockWriter.TMP_SUFFIX).resolve("chunks"));
            Files.createDirectories(dir.resolve("checkpoint.00000004.tmp")); // not a block: not ours
        }
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            assertEquals(1, set.blocks().size());
            assertEquals(2, set.blocks().get(0).meta().compaction().level());
            for (String u : inputs) {
                assertFalse(Files.exists(dir.resolve(u)));
            }
            try (var s = Files.list(dir)) {
                assertEquals(2, s.count(), "block tmp directories removed");
            }
            assertTrue(Files.isDirectory(dir.resolve("checkpoint.00000004.tmp")));
            try (Querier q = set.querier(START, START + 6 * H - 1); Querier m = mem.querier(START, START + 6 * H - 1)) {
                QueryAssert.assertSame(m, q, ALL);
            }
        }
    }

    @Test
    void blocksCanBeWrittenAndQueriedWhileCompactionRuns() throws Exception {
        long end = START + 54 * H;
        MemoryStorage mem = minuteData(START, end);
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            writeBlocks(set, mem, START, START + 36 * H, 2 * H);
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread compactor = new Thread(() -> {
                try {
                    set.compact();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            compactor.start();
            // The head keeps cutting blocks meanwhile; readers always see every sample once.
            for (long t = START + 36 * H; t < end; t += 2 * H) {
                writeBlocks(set, mem, t, t + 2 * H, 2 * H);
                try (Querier q = set.querier(START, t + 2 * H - 1); Querier m = mem.querier(START, t + 2 * H - 1)) {
                    QueryAssert.assertSame(m, q, Matcher.eq("__name__", "records_total"));
                }
            }
            compactor.join();
            assertEquals(null, failure.get());
            set.compact();
            try (Querier q = set.querier(START, end); Querier m = mem.querier(START, end)) {
                QueryAssert.assertSame(m, q, ALL);
            }
            assertTrue(set.blocks().size() < 10, set.blocks().size() + " blocks");
        }
    }

    @Test
    void anEmptyBlockOpensAndAnswersNothing() throws IOException {
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            Block b = set.write(dev.vigil.tsdb.SeriesSet.EMPTY, START, START + 2 * H);
            assertEquals(0, b.meta().stats().numSeries());
            try (Querier q = set.querier(START, START + 2 * H)) {
                assertFalse(q.select(true, null, ALL).next());
                assertEquals(List.of(), q.labelNames());
            }
        }
    }

    @Test
    void overlappingBlocksMergeWithDuplicatesRemoved() throws IOException {
        MemoryStorage mem = minuteData(START, START + 6 * H);
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            writeBlocks(set, mem, START, START + 4 * H, 4 * H);
            writeBlocks(set, mem, START + 2 * H, START + 6 * H, 4 * H); // overlaps by 2 h
            List<BlockMeta> out = set.compact();
            assertEquals(1, out.size());
            assertEquals(1, set.blocks().size());
            assertEquals(START, out.get(0).minTime());
            assertEquals(START + 6 * H, out.get(0).maxTime());
            try (Querier q = set.querier(START, START + 6 * H); Querier m = mem.querier(START, START + 6 * H)) {
                QueryAssert.assertSame(m, q, ALL);
            }
        }
    }

    @Test
    void retentionDropsOldestWholeBlocksAndKeptRangeAnswersExactly() throws IOException {
        long end = START + 180 * DAY;
        MemoryStorage mem = minuteData(START, end);
        try (BlockSet set = BlockSet.open(fs, dir, BlockSet.Options.forRetention(RETENTION))) {
            // Written as 18 h blocks (as the head would after two compactions), then compacted.
            writeBlocks(set, mem, START, end, 18 * H);
            set.compact();
            List<Block> bs = set.blocks();
            assertTrue(bs.size() < 40, bs.size() + " blocks");
            long total = set.sizeBytes();
            assertEquals(List.of(), set.applyRetention(end, RETENTION, 0), "nothing is older than 180 days yet");
            long now = end;
            List<BlockMeta> dropped = new ArrayList<>();
            for (int step = 0; step < 6; step++) {
                now += 10 * DAY;
                List<BlockMeta> gone = set.applyRetention(now, RETENTION, 0);
                for (BlockMeta m : gone) {
                    assertTrue(now - m.maxTime() >= RETENTION);
                    assertFalse(Files.exists(dir.resolve(m.ulid())));
                }
                dropped.addAll(gone);
                long kept = set.blocks().get(0).meta().minTime();
                assertTrue(now - set.blocks().get(0).meta().maxTime() < RETENTION, "kept block past retention");
                // Oldest first: everything dropped ends at or before what is kept.
                for (BlockMeta m : dropped) {
                    assertTrue(m.maxTime() <= kept);
                }
                try (Querier q = set.querier(kept, end); Querier m = mem.querier(kept, end)) {
                    QueryAssert.assertSame(m, q, Matcher.eq("__name__", "records_total"));
                }
                try (Querier q = set.querier(START, kept - 1)) {
                    assertFalse(q.select(true, null, ALL).next(), "dropped range still answers");
                }
            }
            assertTrue(dropped.size() >= 3, "dropped " + dropped.size());
            // Size retention: keep deleting the oldest until under the limit.
            long limit = set.sizeBytes() / 2;
            List<BlockMeta> bySize = set.applyRetention(now, RETENTION, limit);
            assertFalse(bySize.isEmpty());
            assertTrue(set.sizeBytes() <= limit);
            assertTrue(total > limit);
        }
    }
}
