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
 * Vigil and the real Prometheus 2.42 read one configuration whose {@code relabel_configs} and
 * {@code metric_relabel_configs} use every action, and scrape the same real node_exporter: the
 * series (label sets) they store and the targets they list, active and dropped, must be equal.
 */
class RelabelAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sameSeriesAndTargetsAsPrometheus() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(NODE_EXPORTER),
                "prometheus and prometheus-node-exporter must be installed");
        int nodePort = Processes.freePort();
        int promPort = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            procs.add(Processes.start(List.of(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + nodePort,
                    "--collector.disable-defaults", "--collector.loadavg", "--collector.meminfo", "--collector.cpu",
                    "--collector.uname"), dir.resolve("node.log"), "http://127.0.0.1:" + nodePort + "/metrics", Duration.ofSeconds(20)));
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: node
                        static_configs:
                          - targets: ['127.0.0.1:%1$d', '127.0.0.1:%2$d']
                            labels: {__meta_rack: r1, rack_expected: r1, env: Prod-Süd}
                          - targets: ['127.0.0.2:%1$d']
                            labels: {__meta_rack: r1, rack_expected: r2}
                          - targets: ['localhost:%1$d']
                            labels: {__meta_rack: r1, rack_expected: r1, blocked_host: localhost}
                          - targets: ['127.0.0.3:%1$d']
                            labels: {__meta_rack: r1, rack_expected: r1, __scheme__: https}
                        relabel_configs:
                          - source_labels: [__address__]
                            regex: '127\\.0\\.0\\.1:%2$d'
                            action: drop
                          - source_labels: [__meta_rack]
                            target_label: rack_expected
                            action: keepequal
                          - source_labels: [__address__]
                            regex: '([^:]+):.*'
                            target_label: __tmp_host
                          - source_labels: [__tmp_host]
                            target_label: blocked_host
                            action: dropequal
                          - source_labels: [__scheme__]
                            regex: http
                            action: keep
                          - action: labelmap
                            regex: '__meta_(.*)'
                            replacement: 'meta_${1}'
                          - source_labels: [env]
                            target_label: env_lc
                            action: lowercase
                          - source_labels: [env]
                            target_label: env_uc
                            action: uppercase
                          - source_labels: [__address__, job]
                            separator: '/'
                            modulus: 8
                            target_label: shard
                            action: hashmod
                          - source_labels: [__tmp_host, missing]
                            regex: '(.+);'
                            target_label: host_${1}
                            replacement: '$1x-${1}x-$$'
                          - action: labeldrop
                            regex: 'rack_expected|env'
                          - action: labelkeep
                            regex: '__.*|job|instance|host_.*|shard|env_.*|meta_.*'
                        metric_relabel_configs:
                          - source_labels: [__name__]
                            regex: 'node_(load1|load5|memory_MemTotal_bytes|cpu_seconds_total|uname_info|boot_time_seconds)'
                            action: keep
                          - target_label: __tmp_idle
                            replacement: 'idle;node_cpu_seconds_total'
                          - source_labels: [mode, __name__]
                            target_label: __tmp_idle
                            action: dropequal
                          - source_labels: [__name__, mode]
                            regex: 'node_cpu_seconds_total;(steal|guest.*|irq|softirq)'
                            action: drop
                          - source_labels: [cpu]
                            regex: '(.*)'
                            target_label: core
                            replacement: 'cpu-$1'
                          - action: labeldrop
                            regex: 'cpu|__tmp.*'
                          - source_labels: [sysname]
                            target_label: sys
                            action: lowercase
                          - source_labels: [mode]
                            target_label: MODE
                            action: uppercase
                          - source_labels: [__name__]
                            modulus: 3
                            target_label: bucket
                            action: hashmod
                          - action: labelmap
                            regex: '(machine|release)'
                            replacement: 'uname_$1'
                          - source_labels: [job]
                            target_label: job
                            action: keepequal
                      - job_name: filtered
                        params:
                          'collect[]': [loadavg]
                        static_configs:
                          - targets: ['localhost:%1$d']
                        # The first rule adds a label: Prometheus 2.42 writes the output of a rule that
                        # only changes labels into the array of the discovered labels, so its
                        # discoveredLabels would show them relabelled (fixed in 2.43; Vigil shows them as
                        # discovered).
                        relabel_configs:
                          - target_label: instance
                            replacement: renamed
                          - target_label: __scrape_interval__
                            replacement: 2s
                          - source_labels: [__address__]
                            regex: 'localhost:(.*)'
                            target_label: __address__
                            replacement: '127.0.0.1:$1'
                    """.formatted(nodePort, Processes.freePort()));
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

            Map<String, String> promTargets = targets(p);
            assertEquals(2, promTargets.size(), promTargets::toString);
            assertEquals(promTargets, targets(v));
            TreeSet<String> promDropped = dropped(p);
            assertEquals(4, promDropped.size(), promDropped::toString);
            assertEquals(promDropped, dropped(v));

            long now = System.currentTimeMillis() / 1000;
            for (String job : List.of("node", "filtered")) {
                TreeSet<String> ps = series(p, "{job=\"" + job + "\"}", now);
                TreeSet<String> vs = series(v, "{job=\"" + job + "\"}", now);
                assertTrue(ps.size() > 5, job + ": " + ps);
                assertEquals(ps, vs, job);
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
