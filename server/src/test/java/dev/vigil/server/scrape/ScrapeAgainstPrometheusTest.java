package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @TempDir
    Path dir;

    private final ScrapeComparison api = new ScrapeComparison();

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
            procs.add(ScrapeComparison.startNodeExporter(nodeExporter, dir, nodePort, "loadavg", "meminfo", "stat", "uname"));
            procs.add(ScrapeComparison.startPushgateway(pushgateway, dir, pgPort));
            HttpResponse<String> pushed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pgPort
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
            procs.add(ScrapeComparison.startPrometheus(prometheus, config, dir, promPort));
            vigil = ScrapeComparison.startVigil(config, dir);
            String v = ScrapeComparison.baseUrl(vigil);
            String p = ScrapeComparison.baseUrl(promPort);
            // Prometheus applies discovered targets every 5 s; then let both scrape a few times.
            api.awaitScraped(p, 3);
            api.awaitScraped(v, 3);
            Thread.sleep(3_000);

            // Targets: the same labels, URLs, health and settings.
            assertEquals(targets(p), targets(v));

            // The same series (label sets) for every job.
            long now = System.currentTimeMillis() / 1000;
            for (String job : List.of("node", "pushgateway", "flink", "down")) {
                TreeSet<String> ps = api.series(p, "{job=\"" + job + "\"}", now);
                TreeSet<String> vs = api.series(v, "{job=\"" + job + "\"}", now);
                assertTrue(ps.size() > 4, job + ": " + ps);
                assertEquals(ps, vs, job);
            }

            // Values of what does not change between scrapes.
            // The pushed group keeps its own job and instance labels (honor_labels) and does not change.
            String pushedGroup = "{job=\"flink\"}";
            assertEquals(14, api.values(p, pushedGroup).size(), api.values(p, pushedGroup).keySet()::toString);
            assertEquals(api.values(p, pushedGroup), api.values(v, pushedGroup));
            assertEquals(api.values(p, "up"), api.values(v, "up"));
            assertEquals(api.values(p, "node_boot_time_seconds"), api.values(v, "node_boot_time_seconds"));

            // Metadata as exposed.
            for (String metric : List.of("records_in", "heap", "latency", "sizes", "node_load1", "node_boot_time_seconds")) {
                assertEquals(api.get(p, "/api/v1/metadata?metric=" + metric).get("data"),
                        api.get(v, "/api/v1/metadata?metric=" + metric).get("data"), metric);
            }
        } finally {
            ScrapeComparison.stop(vigil, procs);
        }
    }

    /** Per target, the fields that do not depend on timing. */
    private Map<String, String> targets(String base) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode t : api.get(base, "/api/v1/targets").get("data").get("activeTargets")) {
            String key = t.get("scrapePool").asText() + " " + t.get("scrapeUrl").asText();
            out.put(key, "labels=" + t.get("labels") + " discovered=" + ScrapeComparison.sorted(t.get("discoveredLabels"))
                    + " health=" + t.get("health").asText() + " interval=" + t.get("scrapeInterval").asText()
                    + " timeout=" + t.get("scrapeTimeout").asText() + " globalUrl=" + t.get("globalUrl").asText()
                    + " hasError=" + !t.get("lastError").asText().isEmpty());
        }
        return out;
    }
}
