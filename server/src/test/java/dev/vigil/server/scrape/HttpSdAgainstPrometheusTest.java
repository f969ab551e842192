package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
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
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http_sd_configs} in Vigil and in the real Prometheus 2.42, fetching the same target groups
 * from one URL, with relabelling on {@code __meta_url}: the same targets (active and dropped) and
 * series, and again after the answer changes.
 */
class HttpSdAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sameTargetsAndSeriesAsPrometheusBeforeAndAfterAnEdit() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(NODE_EXPORTER),
                "prometheus and prometheus-node-exporter must be installed");
        int nodePort = Processes.freePort();
        int promPort = Processes.freePort();
        int dead = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        com.sun.net.httpserver.HttpServer sd = null;
        try {
            procs.add(Processes.start(List.of(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + nodePort,
                    "--collector.disable-defaults", "--collector.loadavg", "--collector.uname"), dir.resolve("node.log"),
                    "http://127.0.0.1:" + nodePort + "/metrics", Duration.ofSeconds(20)));
            java.util.concurrent.atomic.AtomicReference<String> answer = new java.util.concurrent.atomic.AtomicReference<>("""
                    [{"targets": ["127.0.0.1:%d"], "labels": {"role": "tm", "__meta_rack": "r1"}},
                     {"targets": ["127.0.0.1:%d"], "labels": {"role": "retired"}},
                     {"targets": ["localhost:%d"], "labels": {"role": "jm"}}]
                    """.formatted(nodePort, dead, nodePort));
            sd = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            sd.createContext("/targets", ex -> {
                byte[] b = answer.get().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, b.length);
                try (java.io.OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            });
            sd.start();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: discovered
                        http_sd_configs:
                          - url: http://127.0.0.1:%d/targets
                            refresh_interval: 1s
                        relabel_configs:
                          - source_labels: [role]
                            regex: retired
                            action: drop
                          - source_labels: [__meta_url]
                            regex: 'http://([^/]+)/.*'
                            target_label: source
                            replacement: 'sd-$1'
                          - action: labelmap
                            regex: '__meta_(rack)'
                        metric_relabel_configs:
                          - source_labels: [__name__]
                            regex: 'node_load1|node_uname_info|up'
                            action: keep
                    """.formatted(sd.getAddress().getPort()));
            procs.add(Processes.start(List.of(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prom"), "--web.listen-address=127.0.0.1:" + promPort),
                    dir.resolve("prometheus.log"), "http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30)));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                    "--storage.tsdb.path=" + dir.resolve("vigil"), "--config.file=" + config);
            vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            String p = "http://127.0.0.1:" + promPort;
            awaitScraped(p, 2);
            awaitScraped(v, 2);
            Thread.sleep(3_000);
            compare(p, v, 1);

            // A new answer: a new label on the first group, the third target retired.
            answer.set("""
                    [{"targets": ["127.0.0.1:%d"], "labels": {"role": "tm", "zone": "b"}},
                     {"targets": ["127.0.0.1:%d", "localhost:%d"], "labels": {"role": "retired"}}]
                    """.formatted(nodePort, dead, nodePort));
            awaitZone(p);
            awaitZone(v);
            awaitScraped(p, 1);
            awaitScraped(v, 1);
            assertEquals(targets(p), targets(v));
            assertEquals(dropped(p), dropped(v));
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            if (sd != null) {
                sd.stop(0);
            }
            for (Process proc : procs) {
                Processes.stop(proc);
            }
        }
    }

    private void compare(String p, String v, int minDropped) throws Exception {
        Map<String, String> promTargets = targets(p);
        assertEquals(promTargets, targets(v));
        TreeSet<String> promDropped = dropped(p);
        assertTrue(promDropped.size() >= minDropped, promDropped::toString);
        assertEquals(promDropped, dropped(v));
        long now = System.currentTimeMillis() / 1000;
        TreeSet<String> ps = series(p, "{job=\"discovered\"}", now);
        assertTrue(ps.size() >= 4, ps::toString);
        assertEquals(ps, series(v, "{job=\"discovered\"}", now));
    }

    /** Waits until the edited JSON file's new label shows on a target. */
    private void awaitZone(String base) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!get(base, "/api/v1/targets").toString().contains("\"zone\":\"b\"")
                || get(base, "/api/v1/targets?state=active").get("data").get("activeTargets").size() != 1) {
            assertTrue(System.nanoTime() < deadline, base + ": the edit did not apply in 60 s");
            Thread.sleep(200);
        }
    }

    private void awaitScraped(String base, int n) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            JsonNode active = get(base, "/api/v1/targets").get("data").get("activeTargets");
            int scraped = 0;
            for (JsonNode t : active) {
                if (!t.get("health").asText().equals("unknown")) {
                    scraped++;
                }
            }
            if (scraped == n) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, base + ": targets not all scraped after 90 s: " + active);
            Thread.sleep(200);
        }
    }

    private JsonNode get(String base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), base + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private Map<String, String> targets(String base) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode t : get(base, "/api/v1/targets").get("data").get("activeTargets")) {
            String key = t.get("scrapePool").asText() + " " + t.get("scrapeUrl").asText();
            out.put(key, "labels=" + new TreeMap<>(JSON.convertValue(t.get("labels"), Map.class))
                    + " discovered=" + new TreeMap<>(JSON.convertValue(t.get("discoveredLabels"), Map.class))
                    + " health=" + t.get("health").asText() + " interval=" + t.get("scrapeInterval").asText()
                    + " timeout=" + t.get("scrapeTimeout").asText() + " lastError=" + t.get("lastError").asText());
        }
        return out;
    }

    private TreeSet<String> dropped(String base) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode t : get(base, "/api/v1/targets?state=dropped").get("data").get("droppedTargets")) {
            out.add(new TreeMap<>(JSON.convertValue(t.get("discoveredLabels"), Map.class)).toString());
        }
        return out;
    }

    private TreeSet<String> series(String base, String match, long now) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        String q = "/api/v1/series?match[]=" + URLEncoder.encode(match, StandardCharsets.UTF_8) + "&start=" + (now - 60) + "&end=" + (now + 1);
        for (JsonNode s : get(base, q).get("data")) {
            out.add(new TreeMap<>(JSON.convertValue(s, Map.class)).toString());
        }
        return out;
    }
}
