package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockSet;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollups in the store's upkeep: which raw blocks get rolled up, retention, damage. */
class RollupsTest {
    static final long T0 = RollupExactnessTest.T0;
    static final long H = 3_600_000L;
    static final Labels SERIES = Labels.of("__name__", "flink_jobmanager_numRunningJobs", "job", "jm");

    @TempDir
    Path dir;

    private final MemoryStorage mem = new MemoryStorage();

    /** Raw blocks of 2 h each over [T0, T0 + 2h·count), one sample every 30 s. */
    private BlockSet rawBlocks(int count) throws IOException {
        var app = mem.appender();
        for (long t = T0; t < T0 + count * 2 * H; t += 30_000) {
            app.append(0, SERIES, t, (t - T0) / 30_000 % 7);
        }
        app.commit();
        for (int i = 0; i < count; i++) {
            long mint = T0 + i * 2 * H;
            try (Querier q = mem.querier(mint, mint + 2 * H - 1)) {
                new BlockWriter(FileIo.DEFAULT).writeBlock(dir, q.select(true, null), mint, mint + 2 * H, 1, List.of());
            }
        }
        return BlockSet.open(FileIo.DEFAULT, dir, BlockSet.Options.forRetention(180 * 24 * H));
    }

    private static double sumOfCounts(Querier q) {
        double c = 0;
        SeriesSet s = q.select(true, null, Matcher.eq("job", "jm"));
        while (s.next()) {
            SampleIterator it = s.at().iterator(null);
            while (it.next()) {
                c += it.v();
            }
        }
        return c;
    }

    @Test
    void rollsUpBlocksOldEnoughOnceEvenAfterTheyAreMerged() throws IOException {
        try (BlockSet raw = rawBlocks(4); Rollups r = Rollups.open(FileIo.DEFAULT, dir)) {
            long now = T0 + 4 * H + Rollups.DEFAULT_AFTER_MS; // the first two blocks are old enough
            List<BlockMeta> written = r.rollUp(raw, now, Rollups.DEFAULT_AFTER_MS);
            assertEquals(4, written.size(), "two blocks at two resolutions");
            for (long res : Rollups.RESOLUTIONS) {
                for (Block b : r.set(res).blocks()) {
                    assertEquals(res, RollupWriter.resolutionOf(Files.readAllBytes(b.dir().resolve(BlockWriter.META))));
                }
                assertTrue(r.set(res).dir().startsWith(dir.resolve(Rollups.DIR)));
            }
            assertEquals(List.of(), r.rollUp(raw, now, Rollups.DEFAULT_AFTER_MS), "nothing new");
            // Compaction merges the first three raw blocks: only the third's range is new.
            raw.compact();
            List<BlockMeta> more = r.rollUp(raw, now + 2 * H, Rollups.DEFAULT_AFTER_MS);
            assertEquals(2, more.size());
            assertEquals(T0 + 4 * H, more.get(0).minTime());
            assertEquals(T0 + 6 * H, more.get(0).maxTime());
            // Every raw sample is counted once across the 5 m rollups of [T0, T0 + 6h).
            double counted = 0;
            for (Block b : r.set(Rollups.RES_5M).blocks()) {
                counted += sumOfCounts(new RollupQuerier(b, Aggregate.COUNT, T0, T0 + 6 * H - 1));
            }
            assertEquals(6 * 120, counted);
        }
    }

    @Test
    void rawRetentionDeletesOnlyRawBlocksWhoseRollupsExist() throws IOException {
        try (BlockSet raw = rawBlocks(3); Rollups r = Rollups.open(FileIo.DEFAULT, dir)) {
            long now = T0 + 4 * H + Rollups.DEFAULT_AFTER_MS;
            r.rollUp(raw, now, Rollups.DEFAULT_AFTER_MS); // the first two blocks
            // A raw retention that every block has passed: the third, not rolled up, stays.
            int deleted = r.applyRetention(raw, now + 100 * H, 50 * H, 180 * 24 * H);
            assertEquals(2, deleted);
            assertEquals(1, raw.blocks().size());
            assertEquals(T0 + 4 * H, raw.blocks().get(0).meta().minTime());
            assertEquals(2, r.set(Rollups.RES_5M).blocks().size(), "rollups live for the full retention");
            // Past the full retention the rollups go too.
            r.applyRetention(raw, now + 180 * 24 * H, 50 * H, 180 * 24 * H);
            assertTrue(r.set(Rollups.RES_5M).blocks().isEmpty());
            assertTrue(r.set(Rollups.RES_1H).blocks().isEmpty());
        }
    }

    @Test
    void aDamagedRollupBlockIsSetAsideAndWrittenAgain() throws IOException {
        Path damaged;
        try (BlockSet raw = rawBlocks(2); Rollups r = Rollups.open(FileIo.DEFAULT, dir)) {
            r.rollUp(raw, T0 + 4 * H + Rollups.DEFAULT_AFTER_MS, Rollups.DEFAULT_AFTER_MS);
            damaged = r.set(Rollups.RES_5M).blocks().get(0).dir();
        }
        Path index = damaged.resolve(BlockWriter.INDEX);
        byte[] b = Files.readAllBytes(index);
        b[b.length / 2] ^= 0x5A;
        Files.write(index, b);
        try (BlockSet raw = BlockSet.open(FileIo.DEFAULT, dir, BlockSet.Options.forRetention(180 * 24 * H));
                Rollups r = Rollups.open(FileIo.DEFAULT, dir)) {
            assertFalse(Files.exists(damaged));
            assertTrue(Files.isDirectory(damaged.resolveSibling(damaged.getFileName() + BlockSet.DAMAGED_SUFFIX)));
            assertEquals(1, r.set(Rollups.RES_5M).blocks().size());
            // The gap it left is rolled up again from the raw block.
            List<BlockMeta> again = r.rollUp(raw, T0 + 4 * H + Rollups.DEFAULT_AFTER_MS, Rollups.DEFAULT_AFTER_MS);
            assertEquals(1, again.size());
            assertEquals(2, r.set(Rollups.RES_5M).blocks().size());
        }
    }
}
