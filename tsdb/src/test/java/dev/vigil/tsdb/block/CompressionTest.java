package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes per sample of whole blocks (chunks + index + meta.json) on 24 h of one Flink-shaped
 * TaskManager at 10 s. Sizes are deterministic for a seed, so these are assertions, not timings.
 */
class CompressionTest {
    static final long T0 = 1_700_000_000_000L;
    static final int DAY = 8640;

    @TempDir
    Path dir;

    static double bytesPerSample(Path dir, List<FlinkShapedData.Series> data, Set<FlinkShapedData.Kind> kinds) throws IOException {
        List<FlinkShapedData.Series> subset = data.stream().filter(s -> kinds.contains(s.kind())).toList();
        long maxt = T0 + DAY * 10_000L + 1000;
        BlockMeta meta = new BlockWriter(FaultyFileIo.noSync()).writeBlock(dir, new ArraySeriesSet(subset), T0 - 1000, maxt, 1, List.of());
        return (double) FileIo.DEFAULT.treeSize(dir.resolve(meta.ulid())) / meta.stats().numSamples();
    }

    @Test
    void flinkShapedDayFitsTheTargets() throws IOException {
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(42, 1, T0, DAY, 10_000, 5);
        double all = bytesPerSample(dir, data, EnumSet.allOf(FlinkShapedData.Kind.class));
        double simple = bytesPerSample(dir, data, EnumSet.of(FlinkShapedData.Kind.CONSTANT, FlinkShapedData.Kind.COUNTER));
        System.out.printf("bytes/sample: all %.3f, constant+counter %.3f%n", all, simple);
        assertTrue(all <= 1.5, "overall " + all + " B/sample");
        assertTrue(simple <= 0.6, "constant + integer counters " + simple + " B/sample");
    }
}
