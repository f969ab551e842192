package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failed writes leave nothing visible; damaged blocks are found, set aside, and the rest served. */
class BlockFailureTest {
    static final long T0 = 1_700_000_000_000L;
    static final long H2 = 2 * 3_600_000L;

    @TempDir
    Path dir;

    private final List<FlinkShapedData.Series> data = FlinkShapedData.generate(5, 1, T0, 720 * 3, 10_000, 3);
    private final MemoryStorage mem = FlinkShapedData.toStorage(data);

    private BlockMeta write(FileIo fs, long mint, long maxt) throws IOException {
        try (Querier q = mem.querier(mint, maxt - 1)) {
            return new BlockWriter(fs).segmentSize(64 << 10).writeBlock(dir, q.select(true, null), mint, maxt, 1, List.of());
        }
    }

    @Test
    void aFailureAtAnyStepLeavesNoBlockVisible() throws IOException {
        FaultyFileIo counting = new FaultyFileIo(0);
        write(counting, T0, T0 + H2);
        int total = counting.ops();
        assertTrue(total > 10, "ops " + total);
        for (Path p : FileIo.DEFAULT.list(dir)) {
            FileIo.DEFAULT.deleteTree(p);
        }
        // Fail each operation in turn (and a sample of the many writes in between).
        for (int failAt = 1; failAt <= total; failAt += failAt < 12 || total - failAt < 6 ? 1 : 13) {
            try {
                write(new FaultyFileIo(failAt), T0, T0 + H2);
                fail("write survived failure at op " + failAt);
            } catch (IOException expected) {
                // what a full disk looks like
            }
            try (BlockSet set = BlockSet.open(FileIo.DEFAULT, dir, BlockSet.Options.forRetention(180L * 86_400_000))) {
                // The last step (fsync of the parent after the rename) may fail with the block in
                // place; then the block is complete and valid. Otherwise nothing may be visible.
                for (Block b : set.blocks()) {
                    b.verifyChunks();
                    try (Querier q = b.querier(T0, T0 + H2 - 1); Querier m = mem.querier(T0, T0 + H2 - 1)) {
                        QueryAssert.assertSame(m, q, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
                    }
                    assertEquals(total, failAt, "a block became visible although op " + failAt + " of " + total + " failed");
                    FileIo.DEFAULT.deleteTree(b.dir());
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of(), s.toList(), "left over after failure at op " + failAt);
            }
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }

    @Test
    void everyFlippedByteIsCaught() throws IOException {
        BlockMeta m = write(FaultyFileIo.noSync(), T0, T0 + H2);
        Path block = dir.resolve(m.ulid());
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        Path index = block.resolve("index");
        Path seg = block.resolve("chunks").resolve("000001");
        for (int i = 0; i < 40; i++) {
            boolean inIndex = i % 2 == 0;
            Path f = inIndex ? index : seg;
            long at = i < 4 ? 5 + i % 3 : r.nextLong(Files.size(f)); // header padding first
            flipByte(f, at);
            try {
                Block b = Block.open(FileIo.DEFAULT, block);
                assertTrue(!inIndex, "index damage at " + at + " not caught at open");
                b.verifyChunks();
                fail("chunk damage at " + at + " not caught");
            } catch (CorruptBlockException expected) {
                assertTrue(expected.getMessage().contains(m.ulid()), expected.getMessage());
            }
            flipByte(f, at);
        }
        Block.open(FileIo.DEFAULT, block).verifyChunks();
    }

    @Test
    void compactionSetsAsideAnInputFoundDamagedAndMergesTheRest() throws IOException {
        // Aligned to the 6 h window so the three 2 h blocks form one merge.
        long start = Math.floorDiv(T0, 3 * H2) * 3 * H2 + 3 * H2;
        List<BlockMeta> ms = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ms.add(write(FaultyFileIo.noSync(), start + i * H2, start + (i + 1) * H2));
        }
        Path seg = dir.resolve(ms.get(1).ulid()).resolve("chunks").resolve("000001");
        flipByte(seg, Files.size(seg) / 2);
        try (BlockSet set = BlockSet.open(FileIo.DEFAULT, dir, BlockSet.Options.forRetention(180L * 86_400_000))) {
            assertEquals(4, set.blocks().size(), "chunk damage is not looked for at a default open");
            List<BlockMeta> out = set.compact();
            assertEquals(List.of(ms.get(1).ulid()), set.damaged());
            assertEquals(1, out.size());
            assertEquals(List.of(ms.get(0).ulid(), ms.get(2).ulid()), out.get(0).compaction().sources());
            assertEquals(2, set.blocks().size());
            try (Querier q = set.querier(start, start + H2 - 1); Querier m = mem.querier(start, start + H2 - 1)) {
                QueryAssert.assertSame(m, q, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            }
        }
    }

    @Test
    void damagedBlocksAreSetAsideAndTheRestServed() throws IOException {
        BlockMeta good = write(FaultyFileIo.noSync(), T0, T0 + H2);
        BlockMeta badIndex = write(FaultyFileIo.noSync(), T0 + H2, T0 + 2 * H2);
        BlockMeta badChunk = write(FaultyFileIo.noSync(), T0 + 2 * H2, T0 + 3 * H2);
        Path index = dir.resolve(badIndex.ulid()).resolve("index");
        flipByte(index, Files.size(index) / 2);
        Path seg = dir.resolve(badChunk.ulid()).resolve("chunks").resolve("000001");
        flipByte(seg, Files.size(seg) / 3);

        // Default open: the index is checked in full, chunks when read.
        try (BlockSet set = BlockSet.open(FileIo.DEFAULT, dir, BlockSet.Options.forRetention(180L * 86_400_000))) {
            assertEquals(List.of(badIndex.ulid()), set.damaged());
            assertTrue(Files.isDirectory(dir.resolve(badIndex.ulid() + BlockSet.DAMAGED_SUFFIX)));
            assertEquals(2, set.blocks().size());
            try (Querier q = set.querier(T0, T0 + H2 - 1); Querier m = mem.querier(T0, T0 + H2 - 1)) {
                QueryAssert.assertSame(m, q, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            }
            // Reading the damaged chunk names the block and the series; other series still read.
            int ok = 0;
            CorruptBlockException seen = null;
            try (Querier q = set.querier(T0 + 2 * H2, T0 + 3 * H2 - 1)) {
                SeriesSet s = q.select(true, null, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
                SampleIterator reuse = null;
                while (s.next()) {
                    try {
                        SampleIterator it = s.at().iterator(reuse);
                        while (it.next()) {
                            it.v();
                        }
                        reuse = it;
                        ok++;
                    } catch (CorruptBlockException e) {
                        seen = e;
                        reuse = null;
                    }
                }
            }
            assertTrue(seen != null, "damage not detected");
            assertTrue(seen.getMessage().contains(badChunk.ulid()) && seen.getMessage().contains("series"), seen.getMessage());
            assertTrue(ok > data.size() / 2, "only " + ok + " series readable");
            // The next maintenance pass sets the block aside; the rest is still served.
            assertEquals(List.of(badChunk.ulid()), set.setAsideDamaged());
            assertEquals(List.of(badIndex.ulid(), badChunk.ulid()), set.damaged());
            assertEquals(1, set.blocks().size());
            try (Querier q = set.querier(T0, T0 + 3 * H2); Querier m = mem.querier(T0, T0 + H2 - 1)) {
                QueryAssert.assertSame(m, q, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            }
        }
        Files.move(dir.resolve(badChunk.ulid() + BlockSet.DAMAGED_SUFFIX), dir.resolve(badChunk.ulid()));
        // With full verification at open, the chunk damage sets the block aside too.
        try (BlockSet set = BlockSet.open(FileIo.DEFAULT, dir, new BlockSet.Options(18 * 86_400_000L, true))) {
            assertEquals(List.of(badChunk.ulid()), set.damaged());
            assertEquals(1, set.blocks().size());
            assertEquals(good.ulid(), set.blocks().get(0).meta().ulid());
        }
        assertThrows(CorruptBlockException.class, () -> Block.open(FileIo.DEFAULT, dir.resolve(badChunk.ulid() + BlockSet.DAMAGED_SUFFIX)));
    }
}
