package dev.vigil.server.rules;

import dev.vigil.tsdb.testing.References;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Vigil and the real Prometheus 2.42 load the same rule file and receive the same 30 minutes of
 * Flink-shaped samples by remote write; while both evaluate every 2 s, their recording-rule
 * outputs, {@code ALERTS} and {@code ALERTS_FOR_STATE} must be equal sample for sample (the same
 * slot timestamps included), and {@code /api/v1/alerts} and {@code /api/v1/rules} equal in what
 * Grafana reads.
 */
class RulesAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULES = """
            groups:
            - name: flink
              interval: 2s
              rules:
              - record: job:restarts:increase1m
                expr: sum by (job) (increase(restarts_total[1m]))
              - record: tm:heap:ratio
                expr: heap_used / heap_max
                labels: {kind: heap}
              - alert: HeapHigh
                expr: tm:heap:ratio > 0.9
                for: 4s
                labels: {severity: warning, team: "{{ $labels.job }}"}
                annotations:
                  summary: "TM {{ $labels.tm }} heap at {{ $value | humanizePercentage }}"
                  total: "{{ with query \\"sum(heap_used)\\" }}{{ . | first | value | humanize1024 }}{{ end }}"
            - name: restarts
              interval: 2s
              rules:
              - alert: JobRestarting
                expr: increase(restarts_total[20s]) > 0
                keep_firing_for: 4s
                annotations: {summary: "{{ $labels.tm }} restarted {{ printf \\"%.0f\\" $value }} times"}
              - alert: Broken
                expr: up{job=~"(((" 
            """;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sameRecordingOutputsAlertsAndApiAsPrometheus() throws Exception {
        References.require("prometheus");
        Path rules = dir.resolve("rules.yml");
        // A rule that does not parse is refused by both at start; the rest of the test uses a valid file.
        Files.writeString(rules, RULES);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  evaluation_interval: 2s\nrule_files:\n  - rules.yml\n");
        ServerConfig bad = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("bad"), "--config.file=" + config);
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VigilServer.start(bad, VigilServer.defaultWiring(bad), () -> { }));
        assertTrue(refused.getMessage().contains(rules + ": ") && refused.getMessage().contains("group \"restarts\", rule 2, \"Broken\""),
                refused.getMessage());
        Files.writeString(rules, RULES.substring(0, RULES.indexOf("  - alert: Broken")));

        int promPort = Processes.freePort();
        Process prom = null;
        VigilServer vigil = null;
        try {
            prom = Processes.start(List.of(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prom"), "--web.listen-address=127.0.0.1:" + promPort,
                    "--web.enable-remote-write-receiver", "--web.external-url=http://vigil.test:9090/"),
                    dir.resolve("prometheus.log"), "http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                    "--storage.tsdb.path=" + dir.resolve("vigil"), "--config.file=" + config,
                    "--web.external-url=http://vigil.test:9090/");
            vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            String p = "http://127.0.0.1:" + promPort;

            // 30 minutes of history and 40 s ahead, at 1 s: written now, so both hold the same data at every slot.
            long w = System.currentTimeMillis() / 1000 * 1000;
            byte[] body = writeRequest(w);
            for (String base : List.of(p, v)) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                        .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(204, r.statusCode(), base + ": " + r.body());
            }
            // tm-1's heap is above 90 % from +10 s to +24 s: pending, then firing, then resolved.
            sleepUntil(w + 19_000);
            List<List<String>> alerts = stable(() -> alerts(get(p, "/api/v1/alerts").get("data").get("alerts")),
                    () -> alerts(get(v, "/api/v1/alerts").get("data").get("alerts")));
            assertTrue(alerts.get(0).size() >= 2, alerts::toString);
            assertEquals(alerts.get(0), alerts.get(1));
            List<JsonNode> rulesViews = stable(() -> grafanaView(get(p, "/api/v1/rules").get("data")),
                    () -> grafanaView(get(v, "/api/v1/rules").get("data")));
            assertEquals(rulesViews.get(0), rulesViews.get(1));
            List<JsonNode> alertRules = stable(() -> grafanaView(get(p, "/api/v1/rules?type=alert").get("data")),
                    () -> grafanaView(get(v, "/api/v1/rules?type=alert").get("data")));
            assertEquals(alertRules.get(0), alertRules.get(1));
            // 2.42 has no group filter yet (later versions do, as Vigil): only Vigil narrows the answer.
            JsonNode only = get(v, "/api/v1/rules?rule_group[]=flink&rule_name[]=HeapHigh").get("data").get("groups");
            assertEquals(1, only.size());
            assertEquals("HeapHigh", only.get(0).get("rules").get(0).get("name").asText());
            assertEquals(1, only.get(0).get("rules").size());

            sleepUntil(w + 36_000);
            long end = System.currentTimeMillis() / 1000 - 1;
            // Both were evaluating from +4 s at the latest; compare what both wrote after that.
            long from = w + 6_000;
            for (String q : List.of("job:restarts:increase1m", "tm:heap:ratio", "ALERTS", "ALERTS_FOR_STATE")) {
                Map<String, List<String>> ps = raw(p, q, from, end);
                Map<String, List<String>> vs = raw(v, q, from, end);
                assertFalse(ps.isEmpty(), q);
                assertEquals(ps, vs, q);
            }
            assertTrue(raw(p, "ALERTS", from, end).keySet().toString().contains("alertstate=firing"));
            String metrics = http.send(HttpRequest.newBuilder(URI.create(v + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("prometheus_rule_group_rules{rule_group=\"" + rules + ";flink\"} 3"), metrics);
            assertTrue(metrics.contains("prometheus_rule_evaluation_failures_total{rule_group=\"" + rules + ";flink\"} 0"));
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            Processes.stop(prom);
        }
    }

    /** What reads the same twice from each side, so no evaluation fell between the two reads. */
    private static <T> List<T> stable(java.util.concurrent.Callable<T> prom, java.util.concurrent.Callable<T> vigil) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            T a = prom.call();
            T b = vigil.call();
            if (a.equals(prom.call()) && b.equals(vigil.call())) {
                return List.of(a, b);
            }
            Thread.sleep(300);
        }
        throw new AssertionError("answers kept changing between reads");
    }

    /** The fields of /api/v1/alerts Grafana reads, activeAt to the millisecond. */
    private static List<String> alerts(JsonNode alerts) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : alerts) {
            out.add(a.get("labels") + " " + a.get("annotations") + " " + a.get("state").asText() + " "
                    + ms(a.get("activeAt").asText()) + " " + a.get("value").asText());
        }
        out.sort(null);
        return out;
    }

    private static String ms(String rfc3339) {
        return String.valueOf(java.time.Instant.parse(rfc3339).toEpochMilli());
    }

    /** The rules answer without what differs by machine: evaluation durations and wall-clock times. */
    private static JsonNode grafanaView(JsonNode data) {
        JsonNode copy = data.deepCopy();
        for (JsonNode g : copy.get("groups")) {
            ((ObjectNode) g).remove(List.of("evaluationTime", "lastEvaluation"));
            for (JsonNode r : g.get("rules")) {
                ((ObjectNode) r).remove(List.of("evaluationTime", "lastEvaluation"));
                if (r.has("alerts")) {
                    for (JsonNode a : r.get("alerts")) {
                        ((ObjectNode) a).put("activeAt", ms(a.get("activeAt").asText()));
                    }
                    List<JsonNode> sorted = new ArrayList<>();
                    r.get("alerts").forEach(sorted::add);
                    sorted.sort(java.util.Comparator.comparing(JsonNode::toString));
                    ((ObjectNode) r).putArray("alerts").addAll(sorted);
                }
            }
        }
        return copy;
    }

    /** Every raw sample of {@code q}'s series in [from, end], by series. */
    private Map<String, List<String>> raw(String base, String q, long fromMs, long endS) throws Exception {
        long range = endS - fromMs / 1000;
        JsonNode res = get(base, "/api/v1/query?query=" + URLEncoder.encode(q + "[" + range + "s]", StandardCharsets.UTF_8)
                + "&time=" + endS).get("data").get("result");
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode s : res) {
            List<String> vals = new ArrayList<>();
            s.get("values").forEach(x -> vals.add(x.get(0).asText() + "=" + x.get(1).asText()));
            out.put(new TreeMap<>(JSON.convertValue(s.get("metric"), Map.class)).toString(), vals);
        }
        return out;
    }

    private JsonNode get(String base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), base + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static void sleepUntil(long ms) throws InterruptedException {
        long d = ms - System.currentTimeMillis();
        if (d > 0) {
            Thread.sleep(d);
        }
    }

    // ---- remote write 1.0 body: WriteRequest{timeseries=1: TimeSeries{labels=1: {name=1, value=2}, samples=2: {value=1, timestamp=2}}}

    private static byte[] writeRequest(long w) throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        long start = w - 30 * 60_000L;
        long stop = w + 40_000;
        for (int tm = 1; tm <= 3; tm++) {
            String id = "tm-" + tm;
            List<long[]> ts = new ArrayList<>();
            List<double[]> vs = new ArrayList<>();
            ByteArrayOutputStream used = new ByteArrayOutputStream();
            ByteArrayOutputStream max = new ByteArrayOutputStream();
            ByteArrayOutputStream restarts = new ByteArrayOutputStream();
            for (long t = start; t <= stop; t += 1000) {
                boolean high = tm == 1 && t >= w + 10_000 && t < w + 24_000;
                double u = high ? 970e6 : 400e6 + tm * 10e6 + ((t / 1000) % 60) * 1e6;
                sample(used, u, t);
                sample(max, 1024e6, t);
                double r = 5 + (tm == 2 && t >= w + 12_000 ? 1 : 0);
                sample(restarts, r, t);
            }
            series(req, Map.of("__name__", "heap_used", "job", "flink", "tm", id), used);
            series(req, Map.of("__name__", "heap_max", "job", "flink", "tm", id), max);
            series(req, Map.of("__name__", "restarts_total", "job", "flink", "tm", id), restarts);
        }
        return Snappy.compress(req.toByteArray());
    }

    private static void sample(ByteArrayOutputStream out, double v, long t) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(0x09);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            s.write((int) (bits >>> (8 * i)) & 0xff);
        }
        s.write(0x10);
        varint(s, t);
        out.write(0x12);
        varint(out, s.size());
        out.writeBytes(s.toByteArray());
    }

    private static void series(ByteArrayOutputStream req, Map<String, String> labels, ByteArrayOutputStream samples) {
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            field(l, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
            field(l, 2, e.getValue().getBytes(StandardCharsets.UTF_8));
            field(ts, 1, l.toByteArray());
        }
        ts.writeBytes(samples.toByteArray());
        field(req, 1, ts.toByteArray());
    }

    private static void field(ByteArrayOutputStream out, int n, byte[] b) {
        out.write(n << 3 | 2);
        varint(out, b.length);
        out.writeBytes(b);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
