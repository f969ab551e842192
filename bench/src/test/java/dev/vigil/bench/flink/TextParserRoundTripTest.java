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

/** Every simulated push, for both Flink lines, is accepted by Vigil's own push parser. */
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

    @Test
    void everyProcessesPushParsesWithAllItsSamples() throws Exception {
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
                for (Labels l : seen.samples()) {
                    assertFalse(l.has("host") && r.name().startsWith("taskmanager"), "host=\"\" is no label");
                    assertTrue(l.metricName().startsWith("flink_"));
                }
            }
        }
    }
}
