package dev.vigil.bench.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every simulated push, for both Flink lines, parses with Vigil's own push parser into the series and values rendered. */
class TextParserRoundTripTest {
    private static final long T0 = 1_795_591_000_000L;

    private record Seen(List<Labels> samples, List<Double> values, Map<String, String> types) implements ParseSink {
        Seen() {
            this(new ArrayList<>(), new ArrayList<>(), new HashMap<>());
        }

        @Override
        public void type(String family, String type) {
            types.put(family, type);
        }

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            assertFalse(hasTimestamp, "pushes carry no timestamps");
            samples.add(labels);
            values.add(value);
        }
    }

    /**
     * What is left of the rendered label text after taking out each parsed label once, apart from
     * labels with an empty value (which are no label); empty when the two sets are the same.
     */
    private static String unmatched(String rendered, Labels parsed) {
        StringBuilder rest = new StringBuilder(rendered.endsWith(",") || rendered.isEmpty() ? rendered : rendered + ",");
        parsed.forEach((name, value) -> {
            if (name.equals(Labels.METRIC_NAME)) {
                return;
            }
            String pair = name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\",";
            int at = rest.indexOf(pair);
            if (at >= 0 && (at == 0 || rest.charAt(at - 1) == ',')) {
                rest.delete(at, at + pair.length());
            } else {
                rest.append(" missing ").append(pair);
            }
        });
        return rest.toString().replaceAll("[a-zA-Z_][a-zA-Z0-9_]*=\"\",", "");
    }

    @Test
    void everyProcessesPushParsesWithAllItsSamplesAndValues() throws Exception {
        for (FlinkVersion v : FlinkVersion.values()) {
            Cluster c = new Cluster(ClusterSpec.defaults(2).withVersion(v), T0);
            c.advanceAll(T0 + 20_000);
            TextParser parser = new TextParser();
            ByteSink sink = new ByteSink(1 << 20);
            for (Reporter r : c.reporters()) {
                r.render(sink);
                Seen seen = new Seen();
                parser.parse(sink.array(), 0, sink.length(), seen);
                assertEquals(r.sampleCount(), seen.samples().size(), v + " " + r.name());
                assertEquals(r.families().size(), seen.types().size());
                if (r.name().startsWith("taskmanager")) {
                    assertEquals("summary", seen.types().get("flink_taskmanager_job_task_mailboxLatencyMs"));
                }
                int i = 0;
                for (Family f : r.families()) {
                    for (SimSeries s : f.series()) {
                        Labels l = seen.samples().get(i);
                        String where = v + " " + r.name() + " line " + i + " " + l;
                        assertEquals(s.metric(), l.metricName(), where);
                        assertEquals(Double.doubleToRawLongBits(s.value()), Double.doubleToRawLongBits(seen.values().get(i)),
                                where + ": " + s.value() + " rendered, " + seen.values().get(i) + " parsed");
                        assertEquals("", unmatched(s.labelText(), l), where + ": labels rendered but not parsed");
                        assertFalse(l.has("host") && r.name().startsWith("taskmanager"), "host=\"\" is no label");
                        assertTrue(l.metricName().startsWith("flink_"));
                        i++;
                    }
                }
            }
        }
    }
}
