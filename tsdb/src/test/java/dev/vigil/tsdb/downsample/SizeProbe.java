package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.block.FlinkShapedData;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.ByteOut;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Diagnostic: bytes per kind and column. */
public final class SizeProbe {
    public static void main(String[] a) {
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(7, 1, RollupExactnessTest.T0 + 15_000, 54 * 120, 30_000, 200);
        Map<FlinkShapedData.Kind, long[]> sz = new EnumMap<>(FlinkShapedData.Kind.class);
        ChunkCodec codec = new ChunkCodec();
        Windows w = new Windows();
        ByteOut o = new ByteOut(1 << 16);
        for (FlinkShapedData.Series s : data) {
            long[] acc = sz.computeIfAbsent(s.kind(), k -> new long[8]);
            o.reset();
            codec.encode(s.t(), s.v(), Math.min(8192, s.t().length), -1, o);
            acc[0] += o.length();
            w.rollup(s.t(), s.v(), s.t().length, Rollups.RES_5M);
            int n = w.size();
            double[][] cols = {w.count, w.sum, w.min, w.max, w.counter};
            for (int c = 0; c < 5; c++) {
                o.reset();
                codec.encodeValueColumn(java.util.Arrays.copyOf(cols[c], n), n, o);
                acc[1 + c] += o.length();
            }
            o.reset();
            new AggregateChunk().encode(w, 0, n, w.drops() <= Math.max(1, n / RollupWriter.WINDOWS_PER_ALLOWED_DROP), true, -1, o);
            acc[6] += o.length();
            acc[7]++;
        }
        sz.forEach((k, v) -> System.out.printf("%-12s n=%d raw %d | count %d sum %d min %d max %d counter %d | chunk %d (%.2f)%n", k, v[7], v[0], v[1], v[2], v[3], v[4], v[5], v[6], (double) v[6] / v[0]));
    }
}
