package dev.vigil.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the packaged jar as a user would ({@code java -jar vigil.jar}, no JVM flags) on every JDK
 * at hand: start, answer probes and the Grafana health check, take a push, stop on SIGTERM
 * cleanly, restart and still have the data, take a snapshot and start from it.
 */
class JarSmokeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    static Stream<String> javas() {
        List<String> out = new ArrayList<>();
        out.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path t25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        if (Files.isExecutable(t25)) {
            out.add(t25.toString());
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("javas")
    void startPushQueryStopRestart(String java, @TempDir Path tmp) throws Exception {
        Path jar = Path.of(System.getProperty("vigil.jar", "target/vigil.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn package first");
        Path data = tmp.resolve("data");
        int web = freePort();
        int push = freePort();

        Path log1 = tmp.resolve("run1.log");
        Process p = start(java, jar, data, web, push, log1);
        long pushedAt = 0;
        try {
            awaitReady(p, web, log1);
            String log = Files.readString(log1);
            assertTrue(log.contains("listening on 127.0.0.1:" + web), log);
            assertTrue(log.contains("store ready"), log);
            assertEquals("Vigil is Healthy.\n", get(web, "/-/healthy").body());
            assertEquals(200, get(push, "/-/ready").statusCode());
            HttpResponse<String> metrics = get(web, "/metrics");
            assertTrue(metrics.body().contains("vigil_tsdb_head_series "), metrics.body());
            HttpResponse<String> ui = get(web, "/");
            assertEquals(200, ui.statusCode());
            assertTrue(ui.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));

            HttpResponse<String> health = post(web, "/api/v1/query", "query=1%2B1&time=4");
            assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}",
                    health.body());
            pushedAt = System.currentTimeMillis();
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + push + "/metrics/job/smoke/instance/i1"))
                    .PUT(HttpRequest.BodyPublishers.ofString("# TYPE smoke_metric gauge\nsmoke_metric 42\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
            assertEquals("42", value(web, pushedAt));
            // The push port's /metrics shows the groups as the replaced gateway did.
            String groups = get(push, "/metrics").body();
            assertTrue(groups.contains("smoke_metric{instance=\"i1\",job=\"smoke\"} 42"), groups);
        } finally {
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
        }
        String log = Files.readString(log1);
        assertTrue(p.exitValue() == 143 || p.exitValue() == 0, "exit " + p.exitValue() + "\n" + log);
        assertTrue(log.contains("store closed"), log);

        Path log2 = tmp.resolve("run2.log");
        Process again = start(java, jar, data, web, push, log2, "--web.enable-admin-api");
        String snapshot;
        try {
            awaitReady(again, web, log2);
            assertEquals("42", value(web, pushedAt), Files.readString(log2));
            HttpResponse<String> snap = post(web, "/api/v1/admin/tsdb/snapshot", "");
            assertEquals(200, snap.statusCode(), snap.body());
            snapshot = JSON.readTree(snap.body()).get("data").get("name").asText();
        } finally {
            again.destroy();
            again.waitFor(60, TimeUnit.SECONDS);
        }

        // A snapshot is a data folder the jar starts from (README "Backup and restore").
        Path log3 = tmp.resolve("run3.log");
        Process restored = start(java, jar, data.resolve("snapshots").resolve(snapshot), web, push, log3);
        try {
            awaitReady(restored, web, log3);
            assertEquals("42", value(web, pushedAt), Files.readString(log3));
        } finally {
            restored.destroy();
            restored.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private String value(int web, long atMs) throws Exception {
        String q = "/api/v1/query?query=" + URLEncoder.encode("smoke_metric{job=\"smoke\"}", StandardCharsets.UTF_8)
                + "&time=" + (atMs / 1000.0 + 1);
        JsonNode n = JSON.readTree(get(web, q).body());
        assertEquals("success", n.get("status").asText(), n.toString());
        JsonNode r = n.get("data").get("result");
        assertEquals(1, r.size(), n.toString());
        assertEquals("i1", r.get(0).get("metric").get("instance").asText());
        return r.get(0).get("value").get(1).asText();
    }

    private static Process start(String java, Path jar, Path data, int web, int push, Path log, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString(), "--web.listen-address=127.0.0.1:" + web,
                "--push.listen-address=127.0.0.1:" + push, "--storage.tsdb.path=" + data));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitReady(Process p, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> "exited early:\n" + read(log));
            try {
                if (get(port, "/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s:\n" + read(log));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(int port, String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
