package dev.vigil.server.remotewrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The real receivers the remote-write tests send to, and reading back what each stored. */
public final class Receivers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Receivers() {
    }

    /** VictoriaMetrics on {@code port} with its data in {@code dir}; remote write at /api/v1/write. */
    public static Process victoria(Path dir, int port) throws Exception {
        Path bin = References.require("victoria-metrics");
        return Processes.start(List.of(bin.toString(), "-httpListenAddr=127.0.0.1:" + port, "-storageDataPath=" + dir.resolve("vm"),
                "-retentionPeriod=100y", "-search.latencyOffset=0s", "-search.disableCache"), dir.resolve("vm-" + System.nanoTime() + ".log"),
                "http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
    }

    /**
     * Prometheus 2.42 as a receiver (--web.enable-remote-write-receiver) with a one-hour
     * out-of-order window, so a batch sent again after a crash (older than what it holds) is
     * taken as the harmless duplicate it is rather than refused with 400.
     */
    public static Process prometheus(Path dir, int port) throws Exception {
        Path bin = References.require("prometheus");
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "storage:\n  tsdb:\n    out_of_order_time_window: 1h\n");
        return Processes.start(List.of(bin.toString(), "--config.file=" + cfg, "--storage.tsdb.path=" + dir.resolve("prom"),
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver"),
                dir.resolve("prometheus.log"), "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(60));
    }

    /**
     * Raw samples of {@code selector} over the last {@code rangeS} seconds through the Prometheus
     * query API (Vigil and Prometheus): series (labels as text, {@code extra} added) → time → value.
     */
    public static Map<String, Map<Long, Double>> rawViaQuery(String base, String selector, int rangeS, Map<String, String> extra)
            throws Exception {
        String q = selector + "[" + rangeS + "s]";
        JsonNode r = get(base + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&time=" + (System.currentTimeMillis() / 1000.0));
        Map<String, Map<Long, Double>> out = new TreeMap<>();
        for (JsonNode s : r.path("data").path("result")) {
            Map<Long, Double> vs = out.computeIfAbsent(key(s.path("metric"), extra), k -> new TreeMap<>());
            for (JsonNode v : s.path("values")) {
                vs.put(Math.round(v.get(0).asDouble() * 1000), Double.parseDouble(v.get(1).asText()));
            }
        }
        return out;
    }

    /** Raw samples of {@code selector} in VictoriaMetrics (its export API), duplicates folded. */
    public static Map<String, Map<Long, Double>> rawViaExport(String base, String selector) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/export?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Map<Long, Double>> out = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode s = JSON.readTree(line);
            Map<Long, Double> vs = out.computeIfAbsent(key(s.path("metric"), Map.of()), k -> new TreeMap<>());
            JsonNode ts = s.path("timestamps");
            JsonNode values = s.path("values");
            for (int i = 0; i < ts.size(); i++) {
                vs.put(ts.get(i).asLong(), values.get(i).asDouble());
            }
        }
        return out;
    }

    /** Makes what VictoriaMetrics received searchable now. */
    public static void flushVictoria(String base) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/internal/force_flush")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String key(JsonNode metric, Map<String, String> extra) {
        Map<String, String> m = new TreeMap<>(extra);
        for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m.toString();
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Sample count of a raw map. */
    /**
     * What {@code read} answers once it equals {@code expected}, or its last answer after 60 s.
     * The sent-timestamp gauges have whole seconds, as Prometheus's do, so "caught up" may be seen
     * while the last second's samples are still on their way to the receiver.
     */
    public static <T> T whenEqual(T expected, java.util.concurrent.Callable<T> read) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T got = read.call();
        while (!expected.equals(got) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            got = read.call();
        }
        return got;
    }

    public static long count(Map<String, Map<Long, Double>> m) {
        return m.values().stream().mapToLong(Map::size).sum();
    }
}
