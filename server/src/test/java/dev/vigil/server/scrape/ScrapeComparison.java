package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Starts the real Prometheus, node_exporter and Vigil on one config, and reads their HTTP APIs for comparison. */
final class ScrapeComparison {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    /** Starts node_exporter on {@code port} with only the named collectors. */
    static Process startNodeExporter(Path exe, Path dir, int port, String... collectors) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults"));
        for (String c : collectors) {
            cmd.add("--collector." + c);
        }
        return Processes.start(cmd, dir.resolve("node.log"), "http://127.0.0.1:" + port + "/metrics", Duration.ofSeconds(20));
    }

    /** Starts a Pushgateway on {@code port} with its own persistence file (Debian's default one is shared). */
    static Process startPushgateway(Path exe, Path dir, int port) throws Exception {
        return Processes.start(List.of(exe.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=" + dir.resolve("pg.data")), dir.resolve("pg.log"),
                "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(20));
    }

    /** Starts Prometheus on {@code config}, storing under {@code dir}, and waits until it is ready. */
    static Process startPrometheus(Path exe, Path config, Path dir, int port) throws Exception {
        return Processes.start(List.of(exe.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prom"), "--web.listen-address=127.0.0.1:" + port),
                dir.resolve("prometheus.log"), "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(30));
    }

    /** Starts Vigil on {@code config} with no push port, storing under {@code dir}. */
    static VigilServer startVigil(Path config, Path dir) throws Exception {
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("vigil"), "--config.file=" + config);
        return VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
    }

    static String baseUrl(VigilServer vigil) {
        return "http://127.0.0.1:" + vigil.webAddress().getPort();
    }

    static String baseUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** Closes Vigil (if started), then stops the processes. */
    static void stop(VigilServer vigil, List<Process> procs) {
        if (vigil != null) {
            vigil.close();
        }
        for (Process proc : procs) {
            Processes.stop(proc);
        }
    }

    /** GETs {@code base + path}, asserting a 200, and parses the JSON answer. */
    JsonNode get(String base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), base + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** Waits until {@code base} lists {@code n} targets, each scraped at least once. */
    void awaitScraped(String base, int n) throws Exception {
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

    /** Waits until {@code base} lists exactly one active target and its targets show {@code fragment}. */
    void awaitOneActiveTargetShowing(String base, String fragment) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!get(base, "/api/v1/targets").toString().contains(fragment)
                || get(base, "/api/v1/targets?state=active").get("data").get("activeTargets").size() != 1) {
            assertTrue(System.nanoTime() < deadline, base + ": the edit did not apply in 60 s");
            Thread.sleep(200);
        }
    }

    /** Per active target, its sorted labels and discovered labels, health, interval, timeout and last error. */
    Map<String, String> targets(String base) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode t : get(base, "/api/v1/targets").get("data").get("activeTargets")) {
            String key = t.get("scrapePool").asText() + " " + t.get("scrapeUrl").asText();
            out.put(key, "labels=" + sorted(t.get("labels"))
                    + " discovered=" + sorted(t.get("discoveredLabels"))
                    + " health=" + t.get("health").asText() + " interval=" + t.get("scrapeInterval").asText()
                    + " timeout=" + t.get("scrapeTimeout").asText() + " lastError=" + t.get("lastError").asText());
        }
        return out;
    }

    /** The discovered label sets of the dropped targets. */
    TreeSet<String> dropped(String base) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode t : get(base, "/api/v1/targets?state=dropped").get("data").get("droppedTargets")) {
            out.add(sorted(t.get("discoveredLabels")));
        }
        return out;
    }

    /** The label sets of the series matching {@code match} in the minute before {@code now}. */
    TreeSet<String> series(String base, String match, long now) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        String q = "/api/v1/series?match[]=" + URLEncoder.encode(match, StandardCharsets.UTF_8) + "&start=" + (now - 60) + "&end=" + (now + 1);
        for (JsonNode s : get(base, q).get("data")) {
            out.add(sorted(s));
        }
        return out;
    }

    /** Per series of an instant query, its value. */
    Map<String, String> values(String base, String query) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : get(base, "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).get("data").get("result")) {
            out.put(sorted(s.get("metric")), s.get("value").get(1).asText());
        }
        return out;
    }

    /**
     * Asserts both list the same active and dropped targets (at least {@code minDropped} dropped)
     * and store the same series, at least 4, for {@code job}.
     */
    void assertSameTargetsDroppedAndSeries(String p, String v, String job, int minDropped) throws Exception {
        Map<String, String> promTargets = targets(p);
        assertEquals(promTargets, targets(v));
        TreeSet<String> promDropped = dropped(p);
        assertTrue(promDropped.size() >= minDropped, promDropped::toString);
        assertEquals(promDropped, dropped(v));
        long now = System.currentTimeMillis() / 1000;
        TreeSet<String> ps = series(p, "{job=\"" + job + "\"}", now);
        assertTrue(ps.size() >= 4, ps::toString);
        assertEquals(ps, series(v, "{job=\"" + job + "\"}", now));
    }

    static String sorted(JsonNode labels) {
        return new TreeMap<>(JSON.convertValue(labels, Map.class)).toString();
    }
}
