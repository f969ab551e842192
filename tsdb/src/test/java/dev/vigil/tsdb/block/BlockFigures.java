package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.FileIo;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Prints the figures of docs/PERFORMANCE-tsdb-blocks.md: bytes per sample per series kind,
 * codec encode/decode throughput, postings and select speed. A measurement tool, not a test:
 * run it with {@code java -cp <test classpath> dev.vigil.tsdb.block.BlockFigures <workdir> [openmetrics-out]}.
 */
public final class BlockFigures {
    static final long T0 = 1_700_000_000_000L;

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path work = Path.of(args.length > 0 ? args[0] : "target/figures");
        Files.createDirectories(work);
        List<FlinkShapedData.Series> day = FlinkShapedData.generate(42, 1, T0, 8640, 10_000, 5);
        if (args.length > 2 && args[2].equals("codec")) {
            codec(day);
            return;
        }
        sizes(work, day);
        if (args.length > 1) {
            writeOpenMetrics(Path.of(args[1]), day);
        }
        codec(day);
        select(work);
    }

    static void sizes(Path work, List<FlinkShapedData.Series> day) throws Exception {
        System.out.println("== bytes per sample, 24 h of one TaskManager at 10 s, one block (chunks + index + meta)");
        long samples = 0;
        for (var s : day) {
            samples += s.t().length;
        }
        System.out.printf("series %d, samples %d%n", day.size(), samples);
        System.out.printf("all: %.3f%n", CompressionTest.bytesPerSample(work, day, EnumSet.allOf(FlinkShapedData.Kind.class)));
        System.out.printf("constant+counter: %.3f%n", CompressionTest.bytesPerSample(work, day,
                EnumSet.of(FlinkShapedData.Kind.CONSTANT, FlinkShapedData.Kind.COUNTER)));
        for (FlinkShapedData.Kind k : FlinkShapedData.Kind.values()) {
            System.out.printf("  %s: %.3f%n", k, CompressionTest.bytesPerSample(work, day, EnumSet.of(k)));
        }
        // Same day cut as twelve 2 h blocks (what exists before compaction).
        long bytes = 0;
        long n = 0;
        for (int b = 0; b < 12; b++) {
            long mint = T0 - 1000 + b * 7_200_000L;
            BlockMeta m = new BlockWriter(FileIo.DEFAULT).writeBlock(work, new ArraySeriesSet(day), mint, mint + 7_200_000L, 1, List.of());
            bytes += FileIo.DEFAULT.treeSize(work.resolve(m.ulid()));
            n += m.stats().numSamples();
        }
        System.out.printf("as twelve 2 h blocks: %.3f%n", (double) bytes / n);
        List<FlinkShapedData.Series> ten = FlinkShapedData.generate(43, 10, T0, 8640, 10_000, 5);
        System.out.printf("ten TaskManagers (%d series), one 24 h block: %.3f%n", ten.size(),
                CompressionTest.bytesPerSample(work, ten, EnumSet.allOf(FlinkShapedData.Kind.class)));
        ChunkCodec c = new ChunkCodec();
        c.deflateEnabled(false);
        long raw = 0;
        long deflated = 0;
        ByteOut out = new ByteOut(1 << 16);
        ChunkCodec d = new ChunkCodec();
        for (var s : day) {
            out.reset();
            c.encode(s.t(), s.v(), Math.min(8192, s.t().length), -1, out);
            raw += out.length();
            out.reset();
            d.encode(s.t(), s.v(), Math.min(8192, s.t().length), -1, out);
            deflated += out.length();
        }
        System.out.printf("chunk bytes without DEFLATE %d, with %d (%.1f %% saved), own timestamps in every chunk%n", raw,
                deflated, 100.0 * (raw - deflated) / raw);
    }

    static void writeOpenMetrics(Path file, List<FlinkShapedData.Series> day) throws Exception {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (var s : day) {
                w.write("# TYPE " + s.labels().metricName() + " gauge\n");
                StringBuilder l = new StringBuilder(s.labels().metricName()).append('{');
                boolean first = true;
                for (int i = 0; i < s.labels().size(); i++) {
                    if (s.labels().name(i).equals(Labels.METRIC_NAME)) {
                        continue;
                    }
                    l.append(first ? "" : ",").append(s.labels().name(i)).append("=\"").append(s.labels().value(i)).append('"');
                    first = false;
                }
                String prefix = l.append("} ").toString();
                for (int i = 0; i < s.t().length; i++) {
                    long t = s.t()[i];
                    w.write(prefix + Double.toString(s.v()[i]) + " " + (t / 1000) + "." + String.format("%03d", t % 1000) + "\n");
                }
            }
            w.write("# EOF\n");
        }
    }

    static double median(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        return y[y.length / 2];
    }

    static void codec(List<FlinkShapedData.Series> day) {
        System.out.println("== codec throughput (samples/s), 8192-sample chunks of the day set, 15 runs after 5 warm-up");
        ChunkCodec c = new ChunkCodec();
        List<byte[]> enc = new ArrayList<>();
        ByteOut out = new ByteOut(1 << 16);
        long[] t = new long[8192];
        double[] v = new double[8192];
        double[] encRate = new double[15];
        double[] decRate = new double[15];
        double[] encCpu = new double[15];
        double[] decCpu = new double[15];
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int run = -5; run < 15; run++) {
            enc.clear();
            long samples = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (var s : day) {
                out.reset();
                c.encode(s.t(), s.v(), 8192, -1, out);
                enc.add(out.toByteArray());
                samples += 8192;
            }
            long mid = System.nanoTime();
            long cpu1 = mx.getCurrentThreadCpuTime();
            long sink = 0;
            for (byte[] b : enc) {
                sink += c.decode(b[0] & 0xFF, new ByteIn(b, 1, b.length - 1), t, v, null);
            }
            long end = System.nanoTime();
            long cpu2 = mx.getCurrentThreadCpuTime();
            if (sink != samples) {
                throw new AssertionError();
            }
            if (run >= 0) {
                encRate[run] = samples / ((mid - start) / 1e9);
                decRate[run] = samples / ((end - mid) / 1e9);
                encCpu[run] = samples / ((cpu1 - cpu0) / 1e9);
                decCpu[run] = samples / ((cpu2 - cpu1) / 1e9);
            }
        }
        System.out.printf("encode median %.2f M/s (min %.2f, max %.2f)%n", median(encRate) / 1e6,
                Arrays.stream(encRate).min().getAsDouble() / 1e6, Arrays.stream(encRate).max().getAsDouble() / 1e6);
        System.out.printf("decode median %.2f M/s (min %.2f, max %.2f)%n", median(decRate) / 1e6,
                Arrays.stream(decRate).min().getAsDouble() / 1e6, Arrays.stream(decRate).max().getAsDouble() / 1e6);
        System.out.printf("per CPU-second: encode median %.2f M/s (min %.2f, max %.2f), decode median %.2f M/s (min %.2f, max %.2f)%n",
                median(encCpu) / 1e6, Arrays.stream(encCpu).min().getAsDouble() / 1e6, Arrays.stream(encCpu).max().getAsDouble() / 1e6,
                median(decCpu) / 1e6, Arrays.stream(decCpu).min().getAsDouble() / 1e6, Arrays.stream(decCpu).max().getAsDouble() / 1e6);
    }

    static void select(Path work) throws Exception {
        System.out.println("== 1 M series block (1 sample each): postings intersection and select");
        int n = 1_000_000;
        List<FlinkShapedData.Series> many = new ArrayList<>(n);
        long[] ts = {T0};
        double[] vs = {1};
        for (int i = 0; i < n; i++) {
            many.add(new FlinkShapedData.Series(Labels.of("__name__", "metric_" + (i % 500), "tm_id", "tm-" + (i / 500 % 200),
                    "task", "t" + (i / 100_000)), FlinkShapedData.Kind.CONSTANT, ts, vs));
        }
        many.sort((a, b) -> a.labels().compareTo(b.labels()));
        long w0 = System.nanoTime();
        BlockMeta m = new BlockWriter(FileIo.DEFAULT).writeBlock(work, new ArraySeriesSet(many), T0, T0 + 1, 1, List.of());
        System.out.printf("write: %.1f s, index %d bytes%n", (System.nanoTime() - w0) / 1e9,
                Files.size(work.resolve(m.ulid()).resolve("index")));
        Block b = Block.open(FileIo.DEFAULT, work.resolve(m.ulid()));
        Matcher[][] queries = {
            {Matcher.eq("__name__", "metric_7"), Matcher.eq("tm_id", "tm-3")},
            {Matcher.eq("__name__", "metric_7")},
            {Matcher.of(Matcher.Type.RE, "__name__", "metric_1.*"), Matcher.of(Matcher.Type.NEQ, "task", "t3")},
        };
        for (Matcher[] q : queries) {
            double[] postings = new double[15];
            double[] select = new double[15];
            double[] selectCpu = new double[15];
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            int count = 0;
            for (int run = -5; run < 15; run++) {
                long s0 = System.nanoTime();
                var bm = dev.vigil.tsdb.block.index.PostingsForMatchers.select(b.index(), q);
                long s1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                count = 0;
                try (Querier qq = b.querier(T0, T0)) {
                    SeriesSet set = qq.select(true, null, q);
                    SampleIterator reuse = null;
                    while (set.next()) {
                        reuse = set.at().iterator(reuse);
                        reuse.next();
                        count++;
                    }
                }
                long s2 = System.nanoTime();
                long c2 = mx.getCurrentThreadCpuTime();
                if (run >= 0) {
                    selectCpu[run] = (c2 - c1) / 1e6;
                    postings[run] = (s1 - s0) / 1e6;
                    select[run] = (s2 - s1) / 1e6;
                }
                if (bm.getCardinality() != count) {
                    throw new AssertionError(bm.getCardinality() + " vs " + count);
                }
            }
            System.out.printf("%s → %d series: postings median %.3f ms (min %.3f, max %.3f); select+read median %.1f ms (min %.1f, max %.1f), CPU median %.1f ms (min %.1f, max %.1f)%n",
                    Arrays.toString(q), count, median(postings), Arrays.stream(postings).min().getAsDouble(),
                    Arrays.stream(postings).max().getAsDouble(), median(select), Arrays.stream(select).min().getAsDouble(),
                    Arrays.stream(select).max().getAsDouble(), median(selectCpu), Arrays.stream(selectCpu).min().getAsDouble(),
                    Arrays.stream(selectCpu).max().getAsDouble());
        }
    }
}
