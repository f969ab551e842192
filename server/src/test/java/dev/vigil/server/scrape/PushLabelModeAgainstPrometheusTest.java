package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.scrape.SelfScrape;
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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --push.labels=pushgateway-scrape}: the same pushes go to the real Pushgateway 1.5.1,
 * scraped by the real Prometheus 2.42 with a {@code pushgateway} job, and to Vigil reading the
 * same job pointed at its own push port. The stored pushed series carry equal label sets, and
 * Vigil stores each once (its self-scrape stores nothing).
 */
class PushLabelModeAgainstPrometheusTest {
    /** Every pushed metric name plus the gateway's per-group gauges; not up, scrape_* or the gateway's own. */
    private static final String PUSHED = "{__name__=~\"records_in|heap|sizes_.*|plain|numRunningJobs|push_time_seconds|push_failure_time_seconds\"}";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ScrapeComparison api = new ScrapeComparison();

    private static String config(boolean honor, int port) {
        return """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: pushgateway
                    honor_labels: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels:
                          instance: 'pushgateway'
                          cluster: 'flink-prod'
                """.formatted(honor, port);
    }

    private void pushAll(int port) throws Exception {
        push(port, "/metrics/job/flink-tm/host/tm-1", """
                # HELP records_in Records read.
                # TYPE records_in counter
                records_in{task="map",subtask="0"} 1234
                records_in{task="map",subtask="1"} 99
                # TYPE heap gauge
                heap 4.7092048E7
                # TYPE sizes histogram
                sizes_bucket{le="1"} 1
                sizes_bucket{le="+Inf"} 2
                sizes_sum 3
                sizes_count 2
                plain{instance="inner",cluster="own"} 7
                """);
        push(port, "/metrics/job/flink-jm", "numRunningJobs{job_name=\"wordcount\"} 1\n");
    }

    private void push(int port, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    }

    /** Pushes the same groups to a push port. */
    private interface Pushes {
        void to(int port) throws Exception;
    }

    @ParameterizedTest(name = "honor_labels: {0}")
    @ValueSource(booleans = {false, true})
    void sameLabelsAsPrometheusScrapingAPushgateway(boolean honor) throws Exception {
        compare(honor, this::pushAll, PUSHED, 13);
    }

    /**
     * A PUT of the real Flink 1.20.3 reporter, as captured. Its summary has no {@code _sum}, which
     * the Pushgateway invents and Vigil does not (a documented difference), so {@code _sum} series are left out.
     */
    @ParameterizedTest(name = "Flink capture, honor_labels: {0}")
    @ValueSource(booleans = {false, true})
    void sameLabelsForAFlinkReporterPush(boolean honor) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of("/work/shared/captures/flink-1.20.3-java17-push-running.http"));
        String text = new String(raw, StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String path = text.substring(text.indexOf(' ') + 1, text.indexOf(" HTTP/1.1"));
        String body = text.substring(split + 4);
        compare(honor, port -> push(port, path, body),
                "{__name__=~\"flink_.+|push_time_seconds|push_failure_time_seconds\",__name__!~\".+_sum\"}", 100);
    }

    private void compare(boolean honor, Pushes pushes, String match, int atLeast) throws Exception {
        Path prometheus = References.require("prometheus");
        Path pushgateway = References.require("prometheus-pushgateway");
        int pgPort = Processes.freePort();
        int promPort = Processes.freePort();
        int vigilPushPort = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            procs.add(ScrapeComparison.startPushgateway(pushgateway, dir, pgPort));
            Path promConfig = dir.resolve("prometheus.yml");
            Files.writeString(promConfig, config(honor, pgPort));
            procs.add(ScrapeComparison.startPrometheus(prometheus, promConfig, dir, promPort));
            Path vigilConfig = dir.resolve("vigil.yml");
            Files.writeString(vigilConfig, config(honor, vigilPushPort));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:" + vigilPushPort,
                    "--push.labels=pushgateway-scrape", "--storage.tsdb.path=" + dir.resolve("vigil"), "--config.file=" + vigilConfig);
            vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
            pushes.to(pgPort);
            pushes.to(vigilPushPort);
            String v = ScrapeComparison.baseUrl(vigil);
            String p = ScrapeComparison.baseUrl(promPort);
            awaitScraped(p);
            awaitScraped(v);
            Thread.sleep(3_000);

            long now = System.currentTimeMillis() / 1000;
            TreeSet<String> ps = api.series(p, match, now);
            TreeSet<String> vs = api.series(v, match, now);
            assertTrue(ps.size() >= atLeast, ps::toString);
            TreeSet<String> onlyP = new TreeSet<>(ps);
            onlyP.removeAll(vs);
            TreeSet<String> onlyV = new TreeSet<>(vs);
            onlyV.removeAll(ps);
            assertEquals(ps, vs, () -> "only in Prometheus: " + onlyP + "\nonly in Vigil: " + onlyV);
            // Not stored twice: the self-scrape stored nothing, and no series kept its as-pushed labels.
            JsonNode t = api.get(v, "/api/v1/targets").get("data").get("activeTargets").get(0);
            assertEquals("down", t.get("health").asText(), t.toString());
            assertEquals(SelfScrape.MESSAGE, t.get("lastError").asText());
            assertEquals(0, api.series(v, "{__name__=~\"up|scrape_.+|go_.+|process_.+|pushgateway_.+\"}", now).size());
            // Each series has one sample per push, not one per scrape: nothing else writes to it.
            JsonNode counts = api.get(v, "/api/v1/query?query=" + URLEncoder.encode("count_over_time(push_time_seconds[1m])", StandardCharsets.UTF_8));
            assertTrue(counts.get("data").get("result").size() > 0, counts.toString());
            for (JsonNode r : counts.get("data").get("result")) {
                assertEquals("1", r.get("value").get(1).asText(), counts.toString());
            }
        } finally {
            ScrapeComparison.stop(vigil, procs);
        }
    }

    @Test
    void refusedAtStartWithoutAJobForThePushPort() throws Exception {
        int pushPort = Processes.freePort();
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:" + pushPort,
                "--push.labels=pushgateway-scrape", "--storage.tsdb.path=" + dir.resolve("vigil"));
        Exception e = assertThrows(Exception.class, () -> VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { }).close());
        assertTrue(e.getMessage().contains("--push.labels=pushgateway-scrape needs a --config.file with a scrape job"), e.getMessage());
    }

    /** Waits until every target of {@code base} was scraped at least once. */
    private void awaitScraped(String base) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            JsonNode active = api.get(base, "/api/v1/targets").get("data").get("activeTargets");
            boolean all = active.size() > 0;
            for (JsonNode t : active) {
                all &= !t.get("health").asText().equals("unknown");
            }
            if (all) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, base + ": targets not scraped after 90 s: " + active);
            Thread.sleep(200);
        }
    }
}
