package dev.vigil.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.importer.ImportException;
import dev.vigil.ingest.importer.PrometheusImporter;
import dev.vigil.ingest.proto.DelimitedProtobufParser;
import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.Floats;
import dev.vigil.ingest.text.OpenMetricsParser;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Fuzz targets: whatever the bytes, a parser either succeeds or throws {@link ExpositionException}
 * (a 4xx); anything else (a runtime exception, a hang) is a finding, and so is a broken property:
 * two ways of decoding the same bytes that disagree, or a decode that written back and decoded
 * again reads something else. Plain {@code mvn verify}
 * replays the seeds in {@code ParserFuzzTestInputs/}; {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=ParserFuzzTest#text} fuzzes one target.
 */
class ParserFuzzTest {
    /** Warm across inputs, so the series cache is exercised against cold parses. */
    private static final TextParser WARM = new TextParser();

    /** Records everything as strings, to compare two parses. */
    static final class Record implements ParseSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void help(String family, String help) {
            events.add("help " + family + " " + help);
        }

        @Override
        public void type(String family, String type) {
            events.add("type " + family + " " + type);
        }

        @Override
        public void unit(String family, String unit) {
            events.add("unit " + family + " " + unit);
        }

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            events.add(labels + " " + Double.doubleToRawLongBits(value) + " " + hasTimestamp + " " + timestampMs + " " + line);
        }
    }

    private static String outcome(TextParser p, byte[] data, Record r) {
        try {
            p.parse(data, 0, data.length, r);
            return "ok";
        } catch (ExpositionException e) {
            return e.getMessage();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void text(byte[] data) {
        Record cold = new Record();
        String a = outcome(new TextParser(), data, cold);
        Record warm = new Record();
        String b = outcome(WARM, data, warm);
        assertEquals(a, b, "a warm parser decides like a cold one");
        assertEquals(cold.events, warm.events);
        try {
            new TextParser(false).parse(data, 0, data.length, new Record());
        } catch (ExpositionException expected) {
            // a 4xx
        }
    }

    /**
     * OpenMetrics: what the parser accepts it reads again the same once written back, and on input
     * the 0.0.4 text parser accepts too, both read the same samples.
     */
    @FuzzTest(maxDuration = "30s")
    void openMetrics(byte[] data) throws ExpositionException {
        OpenMetricsWriter first = new OpenMetricsWriter();
        try {
            new OpenMetricsParser().parse(data, 0, data.length, first);
        } catch (ExpositionException refused) {
            return; // a 4xx
        }
        byte[] again = first.body();
        OpenMetricsWriter second = new OpenMetricsWriter();
        new OpenMetricsParser().parse(again, 0, again.length, second);
        assertEquals(first.read(), second.read(), () -> "written back as:\n" + new String(again, StandardCharsets.UTF_8));

        Samples om = new Samples(1);
        Samples text = new Samples(1000);
        try {
            new OpenMetricsParser().parse(data, 0, data.length, om);
            new TextParser().parse(data, 0, data.length, text);
        } catch (ExpositionException notText) {
            return; // OpenMetrics only (a unit, a float timestamp, an exemplar, ...)
        }
        int j = 0;
        for (int i = 0; i < om.read.size(); i++) {
            if (j < text.read.size() && text.read.get(j).equals(om.read.get(i))) {
                j++;
            } else {
                // 0.0.4 assigns x_bucket and x{...} lines to a histogram or summary x typed earlier
                // even when other lines came between (OpenMetrics then reads them as a family of
                // their own), and drops those without their le / quantile, as the reference does.
                assertTrue(om.boundless.get(i), "0.0.4 did not read " + om.read.get(i) + "; it read " + text.read);
            }
        }
        int matched = j;
        assertEquals(text.read.size(), matched, () -> "0.0.4 read what OpenMetrics did not: " + text.read.subList(matched, text.read.size()));
    }

    /** Each sample's labels, value bits and timestamp, the latter in ms whatever unit the format uses. */
    private static final class Samples implements ParseSink {
        /** Below this, a timestamp written in seconds becomes exactly that many thousand ms through a double. */
        private static final long EXACT_SECONDS = (1L << 53) / 1000;
        final List<String> read = new ArrayList<>();
        /** Per sample read: whether it lacks a bucket bound and a quantile, which 0.0.4 may drop. */
        final List<Boolean> boundless = new ArrayList<>();
        /**
         * What the written number of a timestamp becomes at the sink: OpenMetrics reads it as seconds
         * (the sink gets it times 1000), 0.0.4 text as ms (the sink gets it as written). Recorded
         * as the OpenMetrics reading, so the same bytes compare equal.
         */
        private final long scale;

        Samples(long scale) {
            this.scale = scale;
        }

        @Override
        public void help(String family, String help) {
        }

        @Override
        public void type(String family, String type) {
        }

        @Override
        public void unit(String family, String unit) {
        }

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            String ts = "-";
            if (hasTimestamp) {
                long written = scale == 1 ? timestampMs / 1000 : timestampMs;
                ts = Math.abs(written) < EXACT_SECONDS ? Long.toString(timestampMs * scale) : "large";
            }
            Labels.Builder canonical = labels.toBuilder();
            for (String bound : List.of("le", "quantile")) {
                if (labels.has(bound)) {
                    // 0.0.4 writes bounds as the reference re-exposes them (1.0 becomes 1): compare numbers.
                    byte[] b = labels.get(bound).getBytes(StandardCharsets.UTF_8);
                    double d = Floats.parse(b, 0, b.length);
                    canonical.set(bound, Floats.isInvalid(d) ? labels.get(bound) : Double.toString(d));
                }
            }
            read.add(canonical.build() + " " + Double.doubleToRawLongBits(value) + " " + ts + " line " + line);
            boundless.add(!labels.has("le") && !labels.has("quantile"));
        }
    }

    private static final DelimitedProtobufParser WARM_PROTO = new DelimitedProtobufParser();

    private static String outcome(DelimitedProtobufParser p, byte[] data, Record r) {
        try {
            p.parse(data, 0, data.length, r);
            return "ok";
        } catch (ExpositionException e) {
            return e.getMessage();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void protobuf(byte[] data) {
        Record cold = new Record();
        Record warm = new Record();
        String a = outcome(new DelimitedProtobufParser(), data, cold);
        String b = outcome(WARM_PROTO, data, warm);
        assertEquals(a, b, "a warm parser decides like a cold one");
        assertEquals(cold.events, warm.events);
    }

    /**
     * Remote write: what the decoder accepts, protobuf-java reads as the same series, samples and
     * metadata; written back, it decodes to the same again; and the snappy path decides like the
     * uncompressed one.
     */
    @FuzzTest(maxDuration = "30s")
    void remoteWrite(byte[] data) throws Exception {
        RemoteWriteProto.Recorder first = new RemoteWriteProto.Recorder();
        String outcome = remoteWriteOutcome(data, false, first);
        RemoteWriteProto.Recorder compressed = new RemoteWriteProto.Recorder();
        assertEquals(outcome, remoteWriteOutcome(Snappy.compress(data), true, compressed), "snappy path decides like the raw one");
        assertEquals(first.content(), compressed.content());
        if (!outcome.equals("ok")) {
            return; // a 4xx
        }
        assertEquals(RemoteWriteProto.parse(data), first.content(), "protobuf-java reads what the decoder read");

        byte[] again = first.request();
        RemoteWriteProto.Recorder second = new RemoteWriteProto.Recorder();
        new RemoteWriteDecoder().decodeUncompressed(again, 0, again.length, second);
        assertEquals(withoutIndex(first.series), withoutIndex(second.series), "written back, the same series decode");
        assertEquals(first.metadata, second.metadata);
        // Raw snappy bytes are also tried as they come, for the decompression's own checks.
        try {
            new RemoteWriteDecoder().decode(data, 0, data.length, new RemoteWriteProto.Recorder());
        } catch (ExpositionException expected) {
            // a 4xx
        }
    }

    private static String remoteWriteOutcome(byte[] data, boolean snappy, RemoteWriteDecoder.Sink sink) {
        try {
            if (snappy) {
                new RemoteWriteDecoder().decode(data, 0, data.length, sink);
            } else {
                new RemoteWriteDecoder().decodeUncompressed(data, 0, data.length, sink);
            }
            return "ok";
        } catch (ExpositionException e) {
            return e.getMessage();
        }
    }

    /** Series without their position, which writing back changes (series without samples are not written). */
    private static List<String> withoutIndex(List<String> series) {
        List<String> out = new ArrayList<>();
        for (String s : series) {
            out.add(s.substring(s.indexOf(' ') + 1));
        }
        return out;
    }

    /** Importing in tiny chunks gives what importing in one piece gives. */
    @FuzzTest(maxDuration = "30s")
    void importChunking(byte[] data) throws IOException {
        List<String> whole = new ArrayList<>();
        List<String> chunked = new ArrayList<>();
        String a = importInto(new PrometheusImporter(1 << 20, 1 << 20, 3), data, whole);
        String b = importInto(new PrometheusImporter(7, 1 << 20, 3), data, chunked);
        assertEquals(a, b);
        assertEquals(whole, chunked);
    }

    private static String importInto(PrometheusImporter imp, byte[] data, List<String> out) throws IOException {
        try {
            imp.importBody(new ByteArrayInputStream(data), ExpositionFormat.TEXT, Map.of(), 0, b -> {
                for (int i = 0; i < b.size(); i++) {
                    out.add(b.labels(i) + " " + Double.doubleToRawLongBits(b.value(i)) + " " + b.timestamp(i));
                }
            });
            return "ok";
        } catch (ImportException e) {
            return e.getMessage();
        }
    }
}
