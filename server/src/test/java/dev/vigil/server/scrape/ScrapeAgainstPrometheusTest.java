package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
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
 * Vigil and the real Prometheus 2.42 read the same configuration file and scrape the same real
 * targets (Debian's node_exporter and a Pushgateway holding a pushed group): the series they
 * store, the values of the static ones, their metadata and what {@code /api/v1/targets} says
 * must match.
 */
class ScrapeAgainstPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sameSeriesValuesMetadataAndTargetsAsPrometheus() throws Exception {
        Path prometheus = References.require("prometheus");
        Path nodeExporter = References.require("prometheus-node-exporter");
        Path pushgateway = References.require("prometheus-pushgateway");
        int nodePort = Processes.freePort();
        int pgPort = Processes.freePort();
        int promPort = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            procs.add(Processes.start(List.of(nodeExporter.toString(), "--web.listen-address=127.0.0.1:" + nodePort,
                    "--collector.disable-defaults", "--collector.loadavg", "--collector.meminfo", "--collector.stat",
                    "--collector.uname"), dir.resolve("node.log"), "http://127.0.0.1:" + nodePort + "/metrics", Duration.ofSeconds(20)));
            procs.add(Processes.start(List.of(pushgateway.toString(), "--web.listen-address=127.0.0.1:" + pgPort,
                    "--persistence.file=" + dir.resolve("pg.data")), dir.resolve("pg.log"),
                    "http://127.0.0.1:" + pgPort + "/-/ready", Duration.ofSeconds(20)));
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pgPort
                    + "/metrics/job/flink/tm_id/tm-1")).PUT(HttpRequest.BodyPublishers.ofString("""
                    # HELP records_in Records read.
                    # TYPE records_in counter
                    records_in{task="map",subtask="0"} 1234
                    records_in{task="map",subtask="1"} 99
                    # TYPE heap gauge
                    heap 4.7092048E7
                    # HELP latency Latency with "quotes" and a \\\\ backslash.
                    # TYPE latency summary
                    latency{quantile="0.5"} 3
                    latency{quantile="0.99"} 8
                    latency_sum 120
                    latency_count 40
                    # TYPE sizes histogram
                    sizes_bucket{le="1"} 1
                    sizes_bucket{le="+Inf"} 2
                    sizes_sum 3
                    sizes_count 2
                    plain{instance="inner"} 7
                    """)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, pushed.statusCode(), pushed.body());

            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: node
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                            labels:
                              env: test
                      - job_name: pushgateway
                        honor_labels: true
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                      - job_name: down
                        scrape_interval: 2s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(nodePort, pgPort, Processes.freePort()));
            procs.add(Processes.start(List.of(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prom"), "--web.listen-address=127.0.0.1:" + promPort),
                    dir.resolve("prometheus.log"), "http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30)));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                    "--storage.tsdb.path=" + dir.resolve("vigil"), "--config.file=" + config);
            vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            String p = "http://127.0.0.1:" + promPort;
            // Prometheus applies discovered targets every 5 s; then let both scrape a few times.
            awaitScraped(p, 3);
            awaitScraped(v, 3);
            Thread.sleep(3_000);

            // Targets: the same labels, URLs, health and settings.
            assertEquals(targets(p), targets(v));

            // The same series (label sets) for every job.
            long now = System.currentTimeMillis() / 1000;
            for (String job : List.of("node", "pushgateway", "flink", "down")) {
                TreeSet<String> ps = series(p, "{job=\"" + job + "\"}", now);
                TreeSet<String> vs = series(v, "{job=\"" + job + "\"}", now);
                assertTrue(ps.size() > 4, job + ": " + ps);
                assertEquals(ps, vs, job);
            }

            // Values of what does not change between scrapes.
            // The pushed group keeps its own job and instance labels (honor_labels) and does not change.
            String pushedGroup = "{job=\"flink\"}";
            assertEquals(14, values(p, pushedGroup).size(), values(p, pushedGroup).keySet()::toString);
            assertEquals(values(p, pushedGroup), values(v, pushedGroup));
            assertEquals(values(p, "up"), values(v, "up"));
            assertEquals(values(p, "node_boot_time_seconds"), values(v, "node_boot_time_seconds"));

            // Metadata as exposed.
            for (String metric : List.of("records_in", "heap", "latency", "sizes", "node_load1", "node_boot_time_seconds")) {
                assertEquals(get(p, "/api/v1/metadata?metric=" + metric).get("data"),
                        get(v, "/api/v1/metadata?metric=" + metric).get("data"), metric);
            }
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            for (Process proc : procs) {
                Processes.stop(proc);
            }
        }
    }

    /** Waits until {@code base} lists {@code n} targets, each scraped at least once. */
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

    /** Per target, the fields that do not depend on timing. */
    private Map<String, String> targets(String base) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode t : get(base, "/api/v1/targets").get("data").get("activeTargets")) {
            String key = t.get("scrapePool").asText() + " " + t.get("scrapeUrl").asText();
            out.put(key, "labels=" + t.get("labels") + " discovered=" + new TreeMap<>(JSON.convertValue(t.get("discoveredLabels"), Map.class))
                    + " health=" + t.get("health").asText() + " interval=" + t.get("scrapeInterval").asText()
                    + " timeout=" + t.get("scrapeTimeout").asText() + " globalUrl=" + t.get("globalUrl").asText()
                    + " hasError=" + !t.get("lastError").asText().isEmpty());
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

    private Map<String, String> values(String base, String query) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : get(base, "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).get("data").get("result")) {
            out.put(new TreeMap<>(JSON.convertValue(s.get("metric"), Map.class)).toString(), s.get("value").get(1).asText());
        }
        return out;
    }
}
