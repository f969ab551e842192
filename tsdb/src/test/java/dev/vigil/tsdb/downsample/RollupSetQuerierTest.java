package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An aggregate read across several rollup blocks: the counter keeps the raw increase across block boundaries. */
class RollupSetQuerierTest {
    static final long T0 = RollupExactnessTest.T0;
    static final long H = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void theCounterIncreaseAcrossBlocksEqualsRawWithResetsInsideAndAtTheBoundary() throws Exception {
        MemoryStorage mem = new MemoryStorage();
        Labels l = Labels.of("__name__", "flink_taskmanager_job_task_numRecordsIn", "task", "sink");
        Labels g = Labels.of("__name__", "flink_taskmanager_job_task_busyTimeMsPerSecond", "task", "sink");
        var app = mem.appender();
        List<long[]> raw = new ArrayList<>();
        double c = 10_000;
        for (int i = 0; i < 6 * 120; i++) {
            long t = T0 + 5_000 + i * 30_000L;
            // A reset inside block 1, one right at the start of block 2 (t just past 2 h), one inside block 3.
            boolean reset = i == 50 || i == 240 || i == 600;
            c = reset ? 3 : c + 7 + i % 5;
            app.append(0, l, t, c);
            app.append(0, g, t, i % 1000);
            raw.add(new long[] {t, (long) c});
        }
        app.commit();
        List<Block> blocks = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            long mint = T0 + b * 2 * H;
            try (Querier q = mem.querier(mint, mint + 2 * H - 1)) {
                BlockMeta m = new RollupWriter(FileIo.DEFAULT).write(dir, q.select(true, null), mint, mint + 2 * H,
                        Rollups.RES_5M, List.of());
                blocks.add(Block.open(FileIo.DEFAULT, dir.resolve(m.ulid())));
            }
        }
        List<double[]> counter = new ArrayList<>();
        try (Querier q = new RollupSetQuerier(blocks, Aggregate.COUNTER, T0, T0 + 6 * H)) {
            SeriesSet s = q.select(true, null, Matcher.eq("__name__", l.get("__name__")));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                while (it.next()) {
                    counter.add(new double[] {it.t(), it.v()});
                }
            }
            assertFalse(s.next());
        }
        assertEquals(72, counter.size());
        RollupExactnessTest.assertFollowsRawIncrease(counter, raw);
        // The other aggregates simply follow one another: counts add up to every sample.
        double count = 0;
        try (Querier q = new RollupSetQuerier(blocks, Aggregate.COUNT, T0, T0 + 6 * H)) {
            SeriesSet s = q.select(true, null, Matcher.eq("task", "sink"));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                while (it.next()) {
                    count += it.v();
                }
            }
        }
        assertEquals(2 * 6 * 120, count);
    }
}
