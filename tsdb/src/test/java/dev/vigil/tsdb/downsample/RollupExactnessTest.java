package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.block.FlinkShapedData;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollups against the raw data they summarise: over any range made of whole windows, count, sum,
 * min and max from the rollup equal those of the raw samples, and the counter aggregate gives the
 * raw increase across resets.
 */
class RollupExactnessTest {
    /** Aligned to the hour, so 5 m and 1 h windows start at T0. */
    static final long T0 = 1_699_999_200_000L;
    static final long H = 3_600_000L;

    @TempDir
    Path dir;

    private Block writeRollup(MemoryStorage mem, long mint, long maxt, long res) throws IOException {
        try (Querier q = mem.querier(mint, maxt - 1)) {
            BlockMeta m = new RollupWriter(FileIo.DEFAULT).write(dir, q.select(true, null), mint, maxt, res, List.of());
            assertEquals(res, RollupWriter.resolutionOf(Files.readAllBytes(dir.resolve(m.ulid()).resolve(BlockWriter.META))));
            return Block.open(FileIo.DEFAULT, dir.resolve(m.ulid()));
        }
    }

    /** Every sample of every series of a querier, keyed by labels. */
    private static Map<Labels, List<double[]>> read(Querier q) {
        Map<Labels, List<double[]>> out = new HashMap<>();
        SeriesSet s = q.select(true, null, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
        while (s.next()) {
            List<double[]> samples = new ArrayList<>();
            SampleIterator it = s.at().iterator(null);
            while (it.next()) {
                samples.add(new double[] {it.t(), it.v()});
            }
            out.put(s.at().labels(), samples);
        }
        return out;
    }

    @Test
    void countSumMinMaxOverWholeWindowsEqualRaw() throws IOException {
        // 30 s scrapes with up to 3 s jitter over 12 h: 5 m and 1 h windows of Flink-shaped series.
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(11, 1, T0 + 15_000, 12 * 120, 30_000, 3_000);
        MemoryStorage mem = FlinkShapedData.toStorage(data);
        for (long res : Rollups.RESOLUTIONS) {
            Block b = writeRollup(mem, T0, T0 + 12 * H, res);
            Map<Labels, List<double[]>> count = read(new RollupQuerier(b, Aggregate.COUNT, T0, T0 + 12 * H));
            Map<Labels, List<double[]>> sum = read(new RollupQuerier(b, Aggregate.SUM, T0, T0 + 12 * H));
            Map<Labels, List<double[]>> min = read(new RollupQuerier(b, Aggregate.MIN, T0, T0 + 12 * H));
            Map<Labels, List<double[]>> max = read(new RollupQuerier(b, Aggregate.MAX, T0, T0 + 12 * H));
            assertEquals(data.size(), count.size());
            // Ranges of 1, 2 and 3 windows ending on window boundaries: (end − range, end].
            for (long range : new long[] {res, 2 * res, 3 * res}) {
                for (FlinkShapedData.Series s : data) {
                    boolean counterTyped = new Windows().rollup(s.t(), s.v(), s.t().length, res).drops() == 0;
                    for (long end = T0 + range; end <= T0 + 12 * H; end += res) {
                        long from = end - range;
                        double rc = 0;
                        double rs = 0;
                        double rmin = Double.POSITIVE_INFINITY;
                        double rmax = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < s.t().length; i++) {
                            if (s.t()[i] > from && s.t()[i] <= end) {
                                rc++;
                                rs += s.v()[i];
                                rmin = Math.min(rmin, s.v()[i]);
                                rmax = Math.max(rmax, s.v()[i]);
                            }
                        }
                        double c = 0;
                        double sm = 0;
                        double mn = Double.POSITIVE_INFINITY;
                        double mx = Double.NEGATIVE_INFINITY;
                        List<double[]> cs = count.get(s.labels());
                        for (int k = 0; k < cs.size(); k++) {
                            long t = (long) cs.get(k)[0];
                            if (t > from && t <= end) {
                                c += cs.get(k)[1];
                                sm += sum.get(s.labels()).get(k)[1];
                                mn = Math.min(mn, min.get(s.labels()).get(k)[1]);
                                mx = Math.max(mx, max.get(s.labels()).get(k)[1]);
                            }
                        }
                        String at = s.labels() + " (" + from + ", " + end + "] at " + Rollups.name(res);
                        assertEquals(rc, c, "count " + at);
                        assertEquals(rmax, mx, "max " + at);
                        if (counterTyped) {
                            // Estimated from the climb: within a quarter of the range's spread.
                            double spread = rmax - rmin;
                            assertEquals(rmin, mn, spread / 4 + Math.abs(rmin) * 1e-12, "min (estimate) " + at);
                            assertEquals(rs, sm, rc * spread / 4 + Math.abs(rs) * 1e-12, "sum (estimate) " + at);
                        } else {
                            assertEquals(rmin, mn, "min " + at);
                            // Sums add in another order (per window, then across): equal to rounding.
                            assertEquals(rs, sm, Math.abs(rs) * 1e-12, "sum " + at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void counterAggregateKeepsTheIncreaseAcrossResets() throws IOException {
        MemoryStorage mem = new MemoryStorage();
        Labels l = Labels.of("__name__", "flink_taskmanager_job_task_numRecordsIn", "task", "map");
        var app = mem.appender();
        List<long[]> raw = new ArrayList<>();
        double c = 1000;
        for (int i = 0; i < 4 * 120; i++) {
            long t = T0 + 10_000 + i * 30_000L;
            if (i == 37 || i == 38 + 2 || i == 200) {
                c = i % 7; // restarts: one mid-window, one a few samples later, one more
            } else {
                c += 5 + i % 3;
            }
            app.append(0, l, t, c);
            raw.add(new long[] {t, (long) c});
        }
        app.append(0, l, T0 + 4 * H - 1_000, Values.STALE_NAN);
        app.commit();
        Block b = writeRollup(mem, T0, T0 + 4 * H, Rollups.RES_5M);
        List<double[]> counter = read(new RollupQuerier(b, Aggregate.COUNTER, T0, T0 + 4 * H)).get(l);
        assertEquals(48, counter.size());
        assertFollowsRawIncrease(counter, raw);
    }

    @Test
    void rollupsCostLittleNextToTheirRawBlock() throws IOException {
        // 54 h (a compacted block) of one Flink-shaped TaskManager's series scraped every 30 s.
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(7, 1, T0 + 15_000, 54 * 120, 30_000, 200);
        MemoryStorage mem = FlinkShapedData.toStorage(data);
        long maxt = T0 + 54 * H;
        BlockMeta raw;
        try (Querier q = mem.querier(T0, maxt - 1)) {
            raw = new BlockWriter(FileIo.DEFAULT).writeBlock(dir, q.select(true, null), T0, maxt, 1, List.of());
        }
        long rawBytes = FileIo.DEFAULT.treeSize(dir.resolve(raw.ulid()));
        long r5 = FileIo.DEFAULT.treeSize(writeRollup(mem, T0, maxt, Rollups.RES_5M).dir());
        long r1 = FileIo.DEFAULT.treeSize(writeRollup(mem, T0, maxt, Rollups.RES_1H).dir());
        double ratio = (double) (r5 + r1) / rawBytes;
        System.out.printf("rollup size: raw %d B (%.3f B/sample, %d samples), 5m %d B, 1h %d B, ratio %.3f%n", rawBytes,
                (double) rawBytes / raw.stats().numSamples(), raw.stats().numSamples(), r5, r1, ratio);
        // Measured 0.355 (docs/format/downsample.md): a regression bound, not the 15 % target.
        assertTrue(ratio <= 0.40, "rollups cost " + ratio + " of the raw block");
    }

    /**
     * Between any two window ends, the counter aggregate ({@code [t, v]} points) rises by exactly
     * the raw counter's increase ({@code [t, value]} samples in order), resets added back.
     */
    static void assertFollowsRawIncrease(List<double[]> counter, List<long[]> raw) {
        for (int a = 0; a < counter.size(); a++) {
            for (int z = a + 1; z < counter.size(); z++) {
                long ta = (long) counter.get(a)[0];
                long tz = (long) counter.get(z)[0];
                double inc = 0;
                for (int i = 1; i < raw.size(); i++) {
                    if (raw.get(i)[0] > ta && raw.get(i)[0] <= tz) {
                        long d = raw.get(i)[1] - raw.get(i - 1)[1];
                        inc += d >= 0 ? d : raw.get(i)[1];
                    }
                }
                assertEquals(inc, counter.get(z)[1] - counter.get(a)[1], "increase (" + ta + ", " + tz + "]");
            }
        }
    }
}
