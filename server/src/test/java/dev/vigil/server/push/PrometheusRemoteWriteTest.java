package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus 2.42, scraping itself every second, remote-writes to the real server: over
 * the same range at the same time, Vigil's API returns every series Prometheus stored, sample for
 * sample, with the same timestamps and values.
 */
class PrometheusRemoteWriteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void storesWhatPrometheusStoredValueForValue() throws Exception {
        Path prometheus = References.require("prometheus");
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("vigil"));
        try (VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { })) {
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            int port = Processes.freePort();
            String p = "http://127.0.0.1:" + port;
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: self
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    remote_write:
                      - url: %s/api/v1/write
                        queue_config:
                          batch_send_deadline: 1s
                    """.formatted(port, v));
            Process proc = Processes.start(List.of(prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("prom"),
                    "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log"), p + "/-/ready", Duration.ofSeconds(30));
            try {
                awaitScrapes(p, 8);
                // A fixed time safely behind the newest scrape, so neither side can still gain samples before it.
                String at = String.format("%.3f", (System.currentTimeMillis() - 2_000) / 1000.0);
                String query = "{job=\"self\"}[10m]";
                Map<String, List<String>> want = matrix(p, query, at);
                Map<String, List<String>> got = matrix(v, query, at);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!got.equals(want) && System.nanoTime() < deadline) {
                    Thread.sleep(250); // remote write sends in batches, at least once a second
                    got = matrix(v, query, at);
                }
                assertTrue(want.size() > 100, "Prometheus exposes hundreds of series, stored " + want.size());
                assertTrue(want.get(upSeries(port)).size() >= 5, "at least five scrapes: " + want.get(upSeries(port)));
                assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), "the same series");
                for (Map.Entry<String, List<String>> e : want.entrySet()) {
                    assertEquals(e.getValue(), got.get(e.getKey()), e.getKey());
                }
            } finally {
                Processes.stop(proc);
            }
            assertFalse(Files.readString(dir.resolve("prometheus.log")).contains("non-recoverable error"),
                    "remote write was refused; see the log");
        }
    }

    private static String upSeries(int port) {
        return "{__name__=up, instance=127.0.0.1:" + port + ", job=self}";
    }

    /** Waits until Prometheus has scraped itself {@code n} times. */
    private void awaitScrapes(String base, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode r = get(base, "/api/v1/query?query=" + enc("count_over_time(up{job=\"self\"}[10m])")).get("result");
            if (!r.isEmpty() && r.get(0).get("value").get(1).asInt() >= n) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "Prometheus did not scrape itself " + n + " times in 60 s");
            Thread.sleep(250);
        }
    }

    /** The range selector's result at {@code time}: series labels → its samples as "t value", in order. */
    private Map<String, List<String>> matrix(String base, String query, String time) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        JsonNode data = get(base, "/api/v1/query?query=" + enc(query) + "&time=" + time);
        assertEquals("matrix", data.get("resultType").asText(), base);
        for (JsonNode s : data.get("result")) {
            List<String> samples = new ArrayList<>();
            for (JsonNode tv : s.get("values")) {
                samples.add(tv.get(0).decimalValue().toPlainString() + " " + tv.get(1).asText());
            }
            out.put(new TreeMap<>(JSON.convertValue(s.get("metric"), Map.class)).toString(), samples);
        }
        return out;
    }

    private JsonNode get(String base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), base + path + ": " + r.body());
        return JSON.readTree(r.body()).get("data");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
