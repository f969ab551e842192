package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @TempDir
    Path dir;

    private final ScrapeComparison api = new ScrapeComparison();

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
            procs.add(ScrapeComparison.startNodeExporter(NODE_EXPORTER, dir, nodePort, "loadavg", "uname"));
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
            procs.add(ScrapeComparison.startPrometheus(PROMETHEUS, config, dir, promPort));
            vigil = ScrapeComparison.startVigil(config, dir);
            String v = ScrapeComparison.baseUrl(vigil);
            String p = ScrapeComparison.baseUrl(promPort);
            api.awaitScraped(p, 2);
            api.awaitScraped(v, 2);
            Thread.sleep(3_000);
            api.assertSameTargetsDroppedAndSeries(p, v, "discovered", 1);

            // A new answer: a new label on the first group, the third target retired.
            answer.set("""
                    [{"targets": ["127.0.0.1:%d"], "labels": {"role": "tm", "zone": "b"}},
                     {"targets": ["127.0.0.1:%d", "localhost:%d"], "labels": {"role": "retired"}}]
                    """.formatted(nodePort, dead, nodePort));
            api.awaitOneActiveTargetShowing(p, "\"zone\":\"b\"");
            api.awaitOneActiveTargetShowing(v, "\"zone\":\"b\"");
            api.awaitScraped(p, 1);
            api.awaitScraped(v, 1);
            assertEquals(api.targets(p), api.targets(v));
            assertEquals(api.dropped(p), api.dropped(v));
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
}
