package dev.vigil.ingest.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.testing.References;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus remote-writes its own metrics to a loopback receiver; every request decodes,
 * and what the decoder read equals what Prometheus stored: over the same range at the same time,
 * every series, sample for sample (staleness markers aside, which a range selector never shows).
 */
class RealPrometheusRemoteWriteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String contentType, String encoding, String version, byte[] body) {
    }

    @Test
    void decodesWhatPrometheusSends(@TempDir Path dir) throws Exception {
        Path prometheus = References.require("prometheus");
        List<Request> requests = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/write", ex -> {
            requests.add(new Request(ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Content-Encoding"),
                    ex.getRequestHeaders().getFirst("X-Prometheus-Remote-Write-Version"), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        int webPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            webPort = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    queue_config: {batch_send_deadline: 1s}
                    metadata_config: {send_interval: 1s}
                """.formatted(webPort, server.getAddress().getPort()));
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + webPort).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            RemoteWriteDecoderTest.Collect all = new RemoteWriteDecoderTest.Collect();
            RemoteWriteDecoder decoder = new RemoteWriteDecoder();
            int[] seen = {0};
            Runnable decodeNew = () -> {
                while (seen[0] < requests.size()) {
                    Request r = requests.get(seen[0]++);
                    assertNull(RemoteWriteDecoder.checkHeaders(r.contentType(), r.encoding(), r.version()));
                    try {
                        decoder.decode(r.body(), 0, r.body().length, all);
                    } catch (ExpositionException e) {
                        throw new AssertionError("request " + seen[0] + " does not decode", e);
                    }
                }
            };
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Labels up = Labels.of("__name__", "up", "job", "self", "instance", "127.0.0.1:" + webPort);
            // Eight scrapes sent, so the range below (two seconds behind) holds at least five.
            while (all.got.stream().filter(g -> g.labels().equals(up)).mapToInt(g -> g.ts().size()).sum() < 8 || all.metadata.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no up series / metadata from Prometheus; log: " + Files.readString(dir.resolve("log")));
                Thread.sleep(200);
                decodeNew.run();
            }
            assertTrue(all.metadata.stream().anyMatch(m -> m.startsWith("prometheus_build_info/gauge/")), all.metadata.toString());

            // A fixed time safely behind the newest scrape, so neither side can still gain samples before it.
            long at = System.currentTimeMillis() - 2_000;
            long from = at - 600_000;
            Map<String, List<String>> want = stored("http://127.0.0.1:" + webPort, at);
            Map<String, List<String>> got = decoded(all, from, at);
            while (!got.equals(want) && System.nanoTime() < deadline) {
                Thread.sleep(250); // batches go out at least once a second
                decodeNew.run();
                got = decoded(all, from, at);
            }
            assertTrue(want.size() > 100, "Prometheus exposes hundreds of series, stored " + want.size());
            assertTrue(want.get(key(up)).size() >= 5, "at least five scrapes: " + want.get(key(up)));
            assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()), "the same series");
            for (Map.Entry<String, List<String>> e : want.entrySet()) {
                assertEquals(e.getValue(), got.get(e.getKey()), e.getKey());
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            server.stop(0);
        }
    }

    /** What Prometheus stored: {@code {job="self"}[10m]} at {@code atMs}, series → "t value" per sample. */
    private static Map<String, List<String>> stored(String base, long atMs) throws Exception {
        String q = URLEncoder.encode("{job=\"self\"}[10m]", StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query=" + q
                + "&time=" + BigDecimal.valueOf(atMs, 3).toPlainString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode s : JSON.readTree(r.body()).get("data").get("result")) {
            List<String> samples = new ArrayList<>();
            for (JsonNode tv : s.get("values")) {
                samples.add(sample(tv.get(0).decimalValue().movePointRight(3).longValueExact(), goFloat(tv.get(1).asText())));
            }
            out.put(new TreeMap<>(JSON.convertValue(s.get("metric"), Map.class)).toString(), samples);
        }
        return out;
    }

    /** What the decoder read for job "self" in the range selector's window (from, at], in the same form. */
    private static Map<String, List<String>> decoded(RemoteWriteDecoderTest.Collect all, long from, long at) {
        Map<String, TreeMap<Long, String>> bySeries = new TreeMap<>();
        for (RemoteWriteDecoderTest.Got g : all.got) {
            if (!"self".equals(g.labels().get("job"))) {
                continue;
            }
            for (int i = 0; i < g.ts().size(); i++) {
                long t = g.ts().get(i);
                double v = g.values().get(i);
                if (t > from && t <= at && !Values.isStaleNaN(v)) {
                    bySeries.computeIfAbsent(key(g.labels()), k -> new TreeMap<>()).put(t, sample(t, v));
                }
            }
        }
        Map<String, List<String>> out = new TreeMap<>();
        bySeries.forEach((k, v) -> out.put(k, new ArrayList<>(v.values())));
        return out;
    }

    private static String key(Labels l) {
        TreeMap<String, String> m = new TreeMap<>();
        l.forEach(m::put);
        return m.toString();
    }

    private static String sample(long t, double v) {
        return t + " " + v; // Double.toString is exact: two values print alike only when they are equal (NaN aside)
    }

    private static double goFloat(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
