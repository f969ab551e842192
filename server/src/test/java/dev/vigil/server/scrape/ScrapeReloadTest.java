package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.server.VigilServer;
import dev.vigil.server.Wiring;
import dev.vigil.server.cli.Flags;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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

/** {@code POST /-/reload} starts and stops scrape targets; a bad file keeps the running ones. */
class ScrapeReloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> reload(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reloadStartsAndStopsTargets() throws Exception {
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/metrics", ex -> {
            byte[] b = "flink_up 1\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        target.start();
        Path cfg = dir.resolve("vigil.yml");
        Files.writeString(cfg, "global:\n  scrape_interval: 1s\n");
        VigilServer s = VigilServer.start(Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--web.enable-lifecycle", "--config.file=" + cfg),
                new Wiring(MemoryStorage::new, st -> new PromEngine(st, EngineOptions.DEFAULT), Wiring.noPush()), () -> { });
        try {
            int port = s.webAddress().getPort();
            assertEquals(0, get(port, "/api/v1/targets").get("data").get("activeTargets").size());
            String addr = "127.0.0.1:" + target.getAddress().getPort();
            Files.writeString(cfg, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: jm\n    static_configs:\n"
                    + "      - targets: ['" + addr + "']\n");
            assertEquals(200, reload(port).statusCode());
            JsonNode t = null;
            for (int i = 0; i < 100; i++) {
                t = get(port, "/api/v1/targets").get("data").get("activeTargets").get(0);
                if (t.get("health").asText().equals("up")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals("up", t.get("health").asText(), t.toString());
            assertEquals("http://" + addr + "/metrics", t.get("scrapeUrl").asText());
            JsonNode r = get(port, "/api/v1/query?query=" + URLEncoder.encode("flink_up", StandardCharsets.UTF_8));
            assertEquals("{\"__name__\":\"flink_up\",\"instance\":\"" + addr + "\",\"job\":\"jm\"}",
                    r.get("data").get("result").get(0).get("metric").toString());

            Files.writeString(cfg, "scrape_configs:\n  - job_name: jm\n    scrape_interval: soon\n");
            HttpResponse<String> bad = reload(port);
            assertEquals(500, bad.statusCode());
            assertTrue(bad.body().contains(":3: not a valid duration string: \"soon\""), bad.body());
            assertEquals(1, get(port, "/api/v1/targets").get("data").get("activeTargets").size(), "the running target stays");

            Files.writeString(cfg, "global:\n  scrape_interval: 1s\n");
            assertEquals(200, reload(port).statusCode());
            assertEquals(0, get(port, "/api/v1/targets").get("data").get("activeTargets").size());
            // Its series went stale with the reload: an instant query no longer finds them.
            r = get(port, "/api/v1/query?query=" + URLEncoder.encode("flink_up", StandardCharsets.UTF_8));
            assertEquals(0, r.get("data").get("result").size(), r.toString());
        } finally {
            s.close();
            target.stop(0);
        }
    }
}
