package dev.vigil.ingest.perf;

import com.google.protobuf.CodedOutputStream;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.importer.PrometheusImporter;
import dev.vigil.ingest.proto.DelimitedProtobufParser;
import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * Parse throughput on Flink-shaped input, for docs/PERFORMANCE-ingest-parse.md. Not a unit test
 * (tagged, skipped by verify); run with
 * {@code mvn -B -q -o -pl ingest -am test -Dtest=ParseThroughput -Dsurefire.failIfNoSpecifiedTests=false -Dingest.excludedGroups=none}.
 * ({@code -Dthroughput.only=<part of a case name>} runs fewer cases). Each case: 3 s warm-up, then 10 rounds of 1 s of this thread's CPU time; prints the median and the range.
 */
@Tag("throughput")
class ParseThroughput {
    private static final int COPIES = 50;

    /** Counts samples and folds in what a real sink would touch, so nothing is optimised away. */
    static final class Count implements ParseSink {
        long samples;
        long fold;

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            samples++;
            fold += labels.hashCode() + Double.doubleToRawLongBits(value);
        }
    }

    interface Round {
        /** Runs once over the input; returns the samples read. */
        long run() throws Exception;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Rates per second of this thread's CPU time, not of wall time: the machines these run on are
     * shared, and CPU time is what a parse costs whatever else runs (wall-clock rates are printed
     * too, for reference).
     */
    private static void measure(String name, long bytesPerRun, Round round) throws Exception {
        String only = System.getProperty("throughput.only", "");
        if (!name.contains(only)) {
            return;
        }
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            round.run();
        }
        double[] mbs = new double[10];
        double[] sps = new double[10];
        double[] wall = new double[10];
        for (int r = 0; r < 10; r++) {
            long t0 = System.nanoTime();
            long c0 = THREADS.getCurrentThreadCpuTime();
            long runs = 0;
            long samples = 0;
            long c;
            do {
                samples += round.run();
                runs++;
                c = THREADS.getCurrentThreadCpuTime();
            } while (c - c0 < 1_000_000_000L);
            double cpu = (c - c0) / 1e9;
            mbs[r] = runs * bytesPerRun / cpu / 1e6;
            sps[r] = samples / cpu;
            wall[r] = runs * bytesPerRun / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
        Arrays.sort(mbs);
        Arrays.sort(sps);
        Arrays.sort(wall);
        System.out.printf("%-58s %8.1f MB/s [%6.1f..%6.1f]  %6.2f M samples/s [%5.2f..%5.2f]  (wall %6.1f MB/s)%n", name,
                (mbs[4] + mbs[5]) / 2, mbs[0], mbs[9], (sps[4] + sps[5]) / 2e6, sps[0] / 1e6, sps[9] / 1e6, (wall[4] + wall[5]) / 2);
    }

    static byte[] golden(String name) throws IOException {
        try (InputStream in = ParseThroughput.class.getResourceAsStream("/golden/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void throughput() throws Exception {
        byte[] one = golden("flink-2.3.0-push-running.txt");
        byte[] buf = new byte[one.length * COPIES];
        for (int i = 0; i < COPIES; i++) {
            System.arraycopy(one, 0, buf, i * one.length, one.length);
        }
        System.out.printf("input: Flink 2.3.0 push, %d bytes, 510 samples; %d copies in one buffer; java %s%n",
                one.length, COPIES, System.getProperty("java.version"));

        TextParser warm = new TextParser();
        measure("text 0.0.4, one parser per thread (cache warm)", buf.length, () -> {
            Count c = new Count();
            for (int i = 0; i < COPIES; i++) {
                warm.parse(buf, i * one.length, one.length, c);
            }
            return c.samples;
        });
        measure("text 0.0.4, new parser per push (cache cold)", buf.length, () -> {
            Count c = new Count();
            for (int i = 0; i < COPIES; i++) {
                new TextParser().parse(buf, i * one.length, one.length, c);
            }
            return c.samples;
        });
        TextParser untyped = new TextParser(false);
        measure("text 0.0.4 untyped, whole buffer in one call", buf.length, () -> {
            Count c = new Count();
            untyped.parse(buf, 0, buf.length, c);
            return c.samples;
        });
        PrometheusImporter importer = new PrometheusImporter();
        measure("import stream (1 MiB chunks, 10k batches)", buf.length, () -> {
            long[] n = new long[1];
            importer.importBody(new ByteArrayInputStream(buf), ExpositionFormat.TEXT, Map.of(), 0, b -> n[0] += b.size());
            return n[0];
        });

        byte[] proto = protobufOf(one);
        DelimitedProtobufParser pp = new DelimitedProtobufParser();
        measure("protobuf delimited (same push, " + proto.length + " bytes)", proto.length, () -> {
            Count c = new Count();
            pp.parse(proto, 0, proto.length, c);
            return c.samples;
        });

        byte[] raw = remoteWriteOf(one, 10);
        byte[] rw = Snappy.compress(raw);
        RemoteWriteDecoder d = new RemoteWriteDecoder();
        long[] fold = new long[1];
        RemoteWriteDecoder.Sink sink = (labels, ts, vs, count, index) -> fold[0] += labels.hashCode() + count;
        measure("remote write (510 series x 10 samples, " + rw.length + " B snappy, " + raw.length + " B raw)", rw.length, () -> {
            d.decode(rw, 0, rw.length, sink);
            return 5100;
        });
        System.out.println("(remote write MB/s are of the compressed body)");
    }

    /** The push as parsed, grouped into families, in the delimited protobuf format. */
    static byte[] protobufOf(byte[] text) throws ExpositionException, IOException {
        Map<String, List<Object[]>> families = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        new TextParser().parse(text, 0, text.length, new ParseSink() {
            @Override
            public void type(String family, String type) {
                types.put(family, type);
            }

            @Override
            public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            }

            @Override
            public void sample(String family, Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                families.computeIfAbsent(family, k -> new ArrayList<>()).add(new Object[] {labels, value});
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, List<Object[]>> f : families.entrySet()) {
            if (!"gauge".equals(types.get(f.getKey()))) {
                continue; // the summary would need regrouping; gauges are 95 % of the push
            }
            ByteArrayOutputStream fam = new ByteArrayOutputStream();
            CodedOutputStream fo = CodedOutputStream.newInstance(fam);
            fo.writeString(1, f.getKey());
            fo.writeString(2, f.getKey() + " (scope: flink)");
            fo.writeEnum(3, 1);
            for (Object[] s : f.getValue()) {
                ByteArrayOutputStream m = new ByteArrayOutputStream();
                CodedOutputStream mo = CodedOutputStream.newInstance(m);
                Labels l = (Labels) s[0];
                for (int i = 0; i < l.size(); i++) {
                    if (!l.name(i).equals("__name__")) {
                        ByteArrayOutputStream lp = new ByteArrayOutputStream();
                        CodedOutputStream lo = CodedOutputStream.newInstance(lp);
                        lo.writeString(1, l.name(i));
                        lo.writeString(2, l.value(i));
                        lo.flush();
                        mo.writeByteArray(1, lp.toByteArray());
                    }
                }
                ByteArrayOutputStream g = new ByteArrayOutputStream();
                CodedOutputStream go = CodedOutputStream.newInstance(g);
                go.writeDouble(1, (Double) s[1]);
                go.flush();
                mo.writeByteArray(2, g.toByteArray());
                mo.flush();
                fo.writeByteArray(4, m.toByteArray());
            }
            fo.flush();
            CodedOutputStream o = CodedOutputStream.newInstance(out);
            o.writeUInt32NoTag(fam.size());
            o.flush();
            out.write(fam.toByteArray());
        }
        return out.toByteArray();
    }

    /** The push's series as a remote write request with {@code samples} samples each. */
    static byte[] remoteWriteOf(byte[] text, int samples) throws ExpositionException, IOException {
        List<Labels> series = new ArrayList<>();
        new TextParser().parse(text, 0, text.length, new ParseSink() {
            @Override
            public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                series.add(labels);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        long t0 = 1_795_000_000_000L;
        for (Labels l : series) {
            ByteArrayOutputStream ts = new ByteArrayOutputStream();
            CodedOutputStream to = CodedOutputStream.newInstance(ts);
            for (int i = 0; i < l.size(); i++) {
                ByteArrayOutputStream lp = new ByteArrayOutputStream();
                CodedOutputStream lo = CodedOutputStream.newInstance(lp);
                lo.writeString(1, l.name(i));
                lo.writeString(2, l.value(i));
                lo.flush();
                to.writeByteArray(1, lp.toByteArray());
            }
            for (int k = 0; k < samples; k++) {
                ByteArrayOutputStream sp = new ByteArrayOutputStream();
                CodedOutputStream so = CodedOutputStream.newInstance(sp);
                so.writeDouble(1, k * 1.5);
                so.writeInt64(2, t0 + k * 5000L);
                so.flush();
                to.writeByteArray(2, sp.toByteArray());
            }
            to.flush();
            o.writeByteArray(1, ts.toByteArray());
        }
        o.flush();
        return out.toByteArray();
    }
}
