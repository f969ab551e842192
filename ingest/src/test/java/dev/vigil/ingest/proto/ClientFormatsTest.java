package dev.vigil.ingest.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.OpenMetricsParser;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.expositionformats.internal.PrometheusProtobufWriterImpl;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One registry of the real Prometheus Java client, written by the client in text 0.0.4,
 * OpenMetrics and delimited protobuf: all three parsers must read the same series and values.
 */
class ClientFormatsTest {
    private static MetricSnapshots snapshot;

    @BeforeAll
    static void registry() {
        PrometheusRegistry reg = new PrometheusRegistry();
        Counter requests = Counter.builder().name("http_requests").help("Requests served.").labelNames("path", "code").register(reg);
        requests.labelValues("/api", "200").inc(41);
        requests.labelValues("/api", "500").inc(2);
        requests.labelValues("/a \"quoted\"\npath\\", "200").inc();
        Gauge temp = Gauge.builder().name("room_temperature_celsius").help("Temperature with \\ and\nnewline.").labelNames("room").register(reg);
        temp.labelValues("kitchen").set(21.5);
        temp.labelValues("cellar").set(-3.25e-7);
        Summary latency = Summary.builder().name("op_latency_seconds").help("Latency.").quantile(0.5, 0.01).quantile(0.99, 0.001)
                .labelNames("op").register(reg);
        Histogram sizes = Histogram.builder().name("payload_bytes").help("Payload sizes.").classicUpperBounds(100, 1000, 1e6)
                .labelNames("dir").register(reg);
        for (int i = 1; i <= 100; i++) {
            latency.labelValues("get").observe(i / 100.0);
            sizes.labelValues("in").observe(i * 37);
        }
        sizes.labelValues("out").observe(5e6);
        snapshot = reg.scrape();
    }

    /** Series → value, without the OpenMetrics-only {@code _created} series. */
    static final class Series implements ParseSink {
        final Map<String, Double> values = new TreeMap<>();
        final Map<String, String> types = new TreeMap<>();
        final Map<String, String> help = new TreeMap<>();

        @Override
        public void help(String family, String text) {
            help.put(family, text);
        }

        @Override
        public void type(String family, String type) {
            types.put(family, type);
        }

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            if (!labels.metricName().endsWith("_created")) {
                Double old = values.put(labels.toString(), value);
                assertEquals(null, old, "twice: " + labels);
            }
        }
    }

    @Test
    void textAndProtobufAgree() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, snapshot, EscapingScheme.UNDERSCORE_ESCAPING);
        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        new PrometheusProtobufWriterImpl().write(proto, snapshot, EscapingScheme.UNDERSCORE_ESCAPING);

        Series fromText = new Series();
        byte[] t = text.toByteArray();
        new TextParser().parse(t, 0, t.length, fromText);
        Series fromProto = new Series();
        byte[] p = proto.toByteArray();
        new DelimitedProtobufParser().parse(p, 0, p.length, fromProto);

        assertEquals(fromText.values, fromProto.values);
        assertEquals(fromText.help, fromProto.help);
        assertEquals(41.0, fromProto.values.get("http_requests_total{code=\"200\", path=\"/api\"}"));
        assertEquals(-3.25e-7, fromProto.values.get("room_temperature_celsius{room=\"cellar\"}"));
        assertEquals(100.0, fromProto.values.get("payload_bytes_bucket{dir=\"in\", le=\"+Inf\"}"));
        assertEquals(2.0, fromProto.values.get("payload_bytes_bucket{dir=\"in\", le=\"100\"}"));
        assertEquals(1.0, fromProto.values.get("payload_bytes_bucket{dir=\"out\", le=\"+Inf\"}"));
        assertTrue(fromProto.values.containsKey("op_latency_seconds{op=\"get\", quantile=\"0.99\"}"));
        assertEquals(100.0, fromProto.values.get("op_latency_seconds_count{op=\"get\"}"));
        assertEquals("histogram", fromProto.types.get("payload_bytes"));
        assertEquals("Temperature with \\ and\nnewline.", fromProto.help.get("room_temperature_celsius"));
        assertTrue(fromProto.values.containsKey("http_requests_total{code=\"200\", path=\"/a \\\"quoted\\\"\\npath\\\\\"}"));
    }

    @Test
    void openMetricsAgreesWithText() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, snapshot, EscapingScheme.UNDERSCORE_ESCAPING);
        ByteArrayOutputStream om = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(om, snapshot, EscapingScheme.UNDERSCORE_ESCAPING);

        Series fromText = new Series();
        byte[] t = text.toByteArray();
        new TextParser().parse(t, 0, t.length, fromText);
        Series fromOm = new Series();
        byte[] o = om.toByteArray();
        new OpenMetricsParser().parse(o, 0, o.length, fromOm);
        // OpenMetrics bounds stay as written ("100.0"); the 0.0.4 push path writes them canonically.
        Map<String, Double> canonical = new TreeMap<>();
        fromOm.values.forEach((k, v) -> canonical.put(k.replace(".0\"}", "\"}").replace("1000000\"}", "1e+06\"}"), v));
        assertEquals(fromText.values, canonical);
        assertTrue(fromOm.values.containsKey("payload_bytes_bucket{dir=\"in\", le=\"100.0\"}"));
        assertEquals("counter", fromOm.types.get("http_requests"));
    }
}
