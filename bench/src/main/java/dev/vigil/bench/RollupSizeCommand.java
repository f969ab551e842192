package dev.vigil.bench;

import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.Family;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.bench.flink.SimSeries;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.downsample.RollupWriter;
import dev.vigil.tsdb.downsample.Rollups;
import dev.vigil.tsdb.io.FileIo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Disk cost of rollups: the simulated cluster's series over some hours as one raw block, then
 * its 5 m and 1 h rollup blocks, and the ratio of their sizes (docs/format/downsample.md).
 */
@Command(name = "rollup-size", mixinStandardHelpOptions = true,
        description = "Writes the simulated cluster's history as one raw block and its 5m and 1h rollups; prints the sizes.")
final class RollupSizeCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--hours", defaultValue = "54", description = "Hours of history in the block. Default: ${DEFAULT-VALUE}")
    int hours;

    @Option(names = "--interval", defaultValue = "PT30S", description = "Scrape interval. Default: ${DEFAULT-VALUE}")
    Duration interval;

    @Option(names = "--breakdown", description = "Also print which metrics cost most in the 5m rollup, by column.")
    boolean breakdown;

    @Option(names = "--dir", description = "Where to write the blocks (default: a temporary directory, deleted after).")
    Path dir;

    /** One series' samples, grown as the simulation runs. */
    private static final class Buf {
        long[] t = new long[256];
        double[] v = new double[256];
        int n;

        void add(long ts, double x) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                v = Arrays.copyOf(v, n * 2);
            }
            t[n] = ts;
            v[n++] = x;
        }
    }

    @Override
    public Integer call() throws Exception {
        long stepMs = interval.toMillis();
        long hourMs = 3_600_000L;
        // Aligned to the day so the block and its windows start together, as compacted blocks do.
        long start = 1_700_006_400_000L;
        long end = start + hours * hourMs;
        Cluster c = new Cluster(cluster.spec(), start - stepMs);
        Map<String, Buf> byKey = new HashMap<>();
        for (long t = start; t < end; t += stepMs) {
            c.advanceAll(t);
            for (Reporter r : c.reporters()) {
                for (Family f : r.families()) {
                    for (SimSeries s : f.series()) {
                        String key = new String(s.prefix(), StandardCharsets.UTF_8) + r.groupJob();
                        byKey.computeIfAbsent(key, k -> new Buf()).add(t, s.value());
                    }
                }
            }
        }
        Map<Labels, Buf> sorted = new java.util.TreeMap<>();
        for (Map.Entry<String, Buf> e : byKey.entrySet()) {
            sorted.put(parse(e.getKey()), e.getValue());
        }
        long samples = sorted.values().stream().mapToLong(b -> b.n).sum();
        if (breakdown) {
            breakdown(sorted);
        }
        Path out = dir != null ? dir : Files.createTempDirectory("vigil-rollup-size");
        try {
            BlockMeta raw = new BlockWriter(FileIo.DEFAULT).writeBlock(out, set(sorted), start, end, 1, List.of());
            long rawBytes = FileIo.DEFAULT.treeSize(out.resolve(raw.ulid()));
            System.out.printf("raw block: %d series, %d samples, %d bytes (index %d B, %.3f B/sample)%n", sorted.size(), samples, rawBytes,
                    Files.size(out.resolve(raw.ulid()).resolve("index")), (double) rawBytes / samples);
            long total = 0;
            for (long res : Rollups.RESOLUTIONS) {
                BlockMeta m = new RollupWriter(FileIo.DEFAULT).write(out, set(sorted), start, end, res, List.of());
                long bytes = FileIo.DEFAULT.treeSize(out.resolve(m.ulid()));
                total += bytes;
                long index = Files.size(out.resolve(m.ulid()).resolve("index"));
                System.out.printf("rollup %s: %d windows, %d bytes (index %d B), %.1f %% of raw%n", Rollups.name(res), m.stats().numSamples(),
                        bytes, index, 100.0 * bytes / rawBytes);
            }
            System.out.printf("rollups together: %d bytes, %.1f %% of raw%n", total, 100.0 * total / rawBytes);
        } finally {
            if (dir == null) {
                FileIo.DEFAULT.deleteTree(out);
            }
        }
        return 0;
    }

    /**
     * Where the 5 m rollup's chunk bytes go: each series' real aggregate chunks (timestamps
     * shared, as in a block), summed by kind of series and by metric, with its raw chunks' bytes.
     */
    private static void breakdown(Map<Labels, Buf> sorted) {
        // 15 m is no resolution Vigil writes: it shows what a coarser first rollup would cost.
        for (long res : new long[] {Rollups.RES_5M, 15 * 60_000L, Rollups.RES_1H}) {
            breakdown(sorted, res);
        }
    }

    private static void breakdown(Map<Labels, Buf> sorted, long res) {
        dev.vigil.tsdb.block.codec.ChunkCodec codec = new dev.vigil.tsdb.block.codec.ChunkCodec();
        dev.vigil.tsdb.downsample.AggregateChunk agg = new dev.vigil.tsdb.downsample.AggregateChunk();
        dev.vigil.tsdb.downsample.Windows w = new dev.vigil.tsdb.downsample.Windows();
        dev.vigil.tsdb.io.ByteOut o = new dev.vigil.tsdb.io.ByteOut(1 << 16);
        Map<String, long[]> byMetric = new HashMap<>();
        Map<String, long[]> byKind = new java.util.TreeMap<>();
        long[] columns = new long[4];
        long[] byMode = new long[2];
        long[] alt = new long[4];
        for (Map.Entry<Labels, Buf> e : sorted.entrySet()) {
            Buf b = e.getValue();
            long rawBytes = 0;
            for (int from = 0; from < b.n; from += 8192) {
                int len = Math.min(8192, b.n - from);
                o.reset();
                codec.encode(Arrays.copyOfRange(b.t, from, from + len), Arrays.copyOfRange(b.v, from, from + len), len, 0, o);
                rawBytes += o.length();
            }
            w.rollup(b.t, b.v, b.n, res);
            int n = w.size();
            o.reset();
            boolean counter = RollupWriter.counterTyped(w);
            for (int from = 0; from < n; from += 8192) {
                agg.encode(w, from, Math.min(8192, n - from), counter, from + 8192 >= n, 0, o);
            }
            String kind = w.dropsIn(0, n) == 0 ? "monotonic" : constantWindows(w) ? "gauge, constant windows" : counter ? "counter with resets" : "gauge, moving";
            for (String k : new String[] {kind, "all"}) {
                long[] acc = byKind.computeIfAbsent(k, x -> new long[4]);
                acc[0]++;
                acc[1] += rawBytes;
                acc[2] += o.length();
            }
            if (kind.equals("gauge, moving")) {
                // Each column alone, deflated: what dropping one would save (approximately: the chunk deflates them together).
                for (int c = 0; c < 4; c++) {
                    double[] col = new double[n];
                    for (int i = 0; i < n; i++) {
                        col[i] = c == 0 ? w.count(i) : c == 1 ? w.sum(i) : c == 2 ? w.min(i) : w.max(i);
                    }
                    dev.vigil.tsdb.io.ByteOut co = new dev.vigil.tsdb.io.ByteOut(1 << 12);
                    codec.encodeValueColumn(col, n, co);
                    long size = deflatedSize(co);
                    columns[c] += size;
                    byMode[co.array()[0] == 2 ? 1 : 0] += size;
                    alternatives(w, n, c, alt);
                }
            }
            long[] acc = byMetric.computeIfAbsent(e.getKey().get("__name__") + " (" + kind + ")", k -> new long[4]);
            acc[0]++;
            acc[1] += rawBytes;
            acc[2] += o.length();
        }
        String r = (res / 60_000) + "m";
        System.out.println(r + " rollup chunk bytes by kind of series (raw = the same series' raw chunks):");
        byKind.forEach((k, v) -> System.out.printf("  %-26s series %5d  raw %10d B  %s %9d B  %5.1f %% of its raw  %5.1f %% of all raw%n",
                k, v[0], v[1], r, v[2], 100.0 * v[2] / v[1], 100.0 * v[2] / byKind.get("all")[1]));
        System.out.printf("  moving gauges' columns, each deflated alone: count %d B, sum %d B, min %d B, max %d B%n",
                columns[0], columns[1], columns[2], columns[3]);
        System.out.printf("  of these, in integer-delta columns (k/D grid) %d B, in float XOR columns %d B%n", byMode[0], byMode[1]);
        System.out.printf("  grid columns other ways (varints deflated alone): deltas as now %d B, against the chunk's median %d B; sum as now %d B, as sum - count*min %d B%n",
                alt[0], alt[1], alt[2], alt[3]);
        if (res != Rollups.RES_5M) {
            return;
        }
        System.out.println("the 25 metrics whose 5m chunks cost most:");
        byMetric.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[2], x.getValue()[2])).limit(25)
                .forEach(e -> System.out.printf("  %-90s series %4d  raw %9d B  5m %8d B  %5.1f %%%n", e.getKey(), e.getValue()[0],
                        e.getValue()[1], e.getValue()[2], 100.0 * e.getValue()[2] / e.getValue()[1]));
    }

    /**
     * Lossless alternatives for a grid column c (1 sum, 2 min, 3 max) of a moving gauge, each as
     * zigzag varints deflated alone: [0] deltas of k (as the codec), [1] k against its median,
     * and for the sum [2] deltas of k, [3] deltas of k − count·k(min).
     */
    private static void alternatives(dev.vigil.tsdb.downsample.Windows w, int n, int c, long[] alt) {
        if (c == 0 || n < 2) {
            return;
        }
        long d = 0;
        long[] k = new long[n];
        long[] kmin = new long[n];
        for (long cand : new long[] {1, 60, 10, 100, 1000, 10_000, 100_000, 1_000_000}) {
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                double v = c == 1 ? w.sum(i) : c == 2 ? w.min(i) : w.max(i);
                double m = Math.rint(v * cand);
                ok = Math.abs(m) < 1L << 53 && m / cand == v && Math.rint(w.min(i) * cand) / cand == w.min(i);
                k[i] = (long) m;
                kmin[i] = (long) Math.rint(w.min(i) * cand);
            }
            if (ok) {
                d = cand;
                break;
            }
        }
        if (d == 0) {
            return;
        }
        dev.vigil.tsdb.io.ByteOut a = new dev.vigil.tsdb.io.ByteOut(1 << 12);
        for (int i = 1; i < n; i++) {
            a.putVarint(k[i] - k[i - 1]);
        }
        alt[0] += deflatedSize(a);
        long[] sorted = k.clone();
        Arrays.sort(sorted);
        long med = sorted[n / 2];
        a.reset();
        for (int i = 0; i < n; i++) {
            a.putVarint(k[i] - med);
        }
        alt[1] += deflatedSize(a);
        if (c == 1) {
            alt[2] += alt0(k, n);
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                r[i] = k[i] - (long) w.count(i) * kmin[i];
            }
            alt[3] += alt0(r, n);
        }
    }

    private static long alt0(long[] k, int n) {
        dev.vigil.tsdb.io.ByteOut a = new dev.vigil.tsdb.io.ByteOut(1 << 12);
        for (int i = 1; i < n; i++) {
            a.putVarint(k[i] - k[i - 1]);
        }
        return deflatedSize(a);
    }

    private static long deflatedSize(dev.vigil.tsdb.io.ByteOut o) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(6, true);
        d.setInput(o.array(), 0, o.length());
        d.finish();
        byte[] buf = new byte[o.length() + 64];
        long total = 0;
        while (!d.finished()) {
            total += d.deflate(buf);
        }
        d.end();
        return Math.min(total, o.length());
    }

    private static boolean constantWindows(dev.vigil.tsdb.downsample.Windows w) {
        for (int i = 0; i < w.size(); i++) {
            if (Double.doubleToRawLongBits(w.min(i)) != Double.doubleToRawLongBits(w.max(i))) {
                return false;
            }
        }
        return true;
    }

    private static SeriesSet set(Map<Labels, Buf> sorted) {
        List<Map.Entry<Labels, Buf>> list = new ArrayList<>(sorted.entrySet());
        return new SeriesSet() {
            private int i = -1;

            @Override
            public boolean next() {
                return ++i < list.size();
            }

            @Override
            public Series at() {
                Map.Entry<Labels, Buf> e = list.get(i);
                return new Series() {
                    @Override
                    public Labels labels() {
                        return e.getKey();
                    }

                    @Override
                    public SampleIterator iterator(SampleIterator reuse) {
                        Buf b = e.getValue();
                        return new SampleIterator() {
                            private int k = -1;

                            @Override
                            public boolean next() {
                                return ++k < b.n;
                            }

                            @Override
                            public boolean seek(long t) {
                                if (k < 0) {
                                    k = 0;
                                }
                                while (k < b.n && b.t[k] < t) {
                                    k++;
                                }
                                return k < b.n;
                            }

                            @Override
                            public long t() {
                                return b.t[k];
                            }

                            @Override
                            public double v() {
                                return b.v[k];
                            }
                        };
                    }
                };
            }
        };
    }

    /** {@code metric{a="b",c="d",} job} as the reporter renders it, back to labels. */
    static Labels parse(String key) {
        int brace = key.indexOf('{');
        int close = key.lastIndexOf('}');
        Map<String, String> m = new LinkedHashMap<>();
        m.put("__name__", key.substring(0, brace));
        m.put("job", key.substring(close + 2));
        String body = key.substring(brace + 1, close);
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            String name = body.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (body.charAt(j) != '"') {
                char ch = body.charAt(j);
                if (ch == '\\') {
                    char nx = body.charAt(++j);
                    v.append(nx == 'n' ? '\n' : nx);
                } else {
                    v.append(ch);
                }
                j++;
            }
            m.put(name, v.toString());
            i = j + 1;
            if (i < body.length() && body.charAt(i) == ',') {
                i++;
            }
        }
        return Labels.of(m);
    }
}
