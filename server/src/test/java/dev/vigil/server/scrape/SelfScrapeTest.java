package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.scrape.SelfScrape;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Flink {@code prometheus.yml} whose {@code pushgateway} job points at Vigil's own push port:
 * the pushed series are stored once, and the target says why it is not scraped.
 */
class SelfScrapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void pushgatewayJobOnOwnPushPortStoresEachPushedSeriesOnce() throws Exception {
        int pushPort = freePort();
        Path cfg = dir.resolve("prometheus.yml");
        // As in a typical Flink setup: a host name rather than the listening address, and honor_labels false.
        Files.writeString(cfg, "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\nscrape_configs:\n"
                + "  - job_name: pushgateway\n    honor_labels: false\n    static_configs:\n"
                + "      - targets: ['localhost:" + pushPort + "']\n        labels:\n          instance: 'pushgateway'\n");
        ServerConfig c = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:" + pushPort,
                "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + cfg);
        VigilServer s = VigilServer.start(c, VigilServer.defaultWiring(c), () -> { });
        try {
            int port = s.webAddress().getPort();
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + pushPort + "/metrics/job/flink/host/tm1"))
                    .PUT(HttpRequest.BodyPublishers.ofString("flink_taskmanager_Status_JVM_CPU_Load 0.5\n"
                            + "flink_jobmanager_numRunningJobs{job_name=\"wordcount\"} 1\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(pushed.statusCode() / 100 == 2, pushed.body());
            HttpResponse<String> exposed = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + pushPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(exposed.body().contains("flink_taskmanager_Status_JVM_CPU_Load"), "the push port serves the groups");
            assertTrue(exposed.headers().firstValue(SelfScrape.HEADER).isPresent());

            JsonNode t = null;
            for (int i = 0; i < 100; i++) {
                t = get(port, "/api/v1/targets").get("data").get("activeTargets").get(0);
                if (!t.get("health").asText().equals("unknown")) {
                    break;
                }
                Thread.sleep(50);
            }
            Thread.sleep(1000); // several scrape intervals
            t = get(port, "/api/v1/targets").get("data").get("activeTargets").get(0);
            assertEquals("down", t.get("health").asText(), t.toString());
            assertEquals(SelfScrape.MESSAGE, t.get("lastError").asText());

            for (String q : new String[] {"flink_taskmanager_Status_JVM_CPU_Load", "flink_jobmanager_numRunningJobs"}) {
                JsonNode r = get(port, "/api/v1/series?match[]=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
                assertEquals(1, r.get("data").size(), r.toString());
                assertEquals("flink", r.get("data").get(0).get("job").asText(), r.toString());
            }
            JsonNode all = get(port, "/api/v1/series?match[]=" + URLEncoder.encode("{job=\"pushgateway\"}", StandardCharsets.UTF_8));
            assertEquals(0, all.get("data").size(), "nothing stored from the self scrape, not even up: " + all);
        } finally {
            s.close();
        }
    }
}
