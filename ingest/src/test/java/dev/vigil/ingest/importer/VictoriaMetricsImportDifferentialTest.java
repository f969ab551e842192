package dev.vigil.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.testing.References;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same import body (the real Flink push with timestamps on most lines, CRLF and trailing
 * blanks on some, no final newline, two extra_label arguments) goes to Debian's VictoriaMetrics
 * (started on a loopback port) and to our importer: both must store the same series with the same
 * values and timestamps; lines without a timestamp get the request's time.
 */
class VictoriaMetricsImportDifferentialTest {

    private static String round(double v) {
        return Double.isFinite(v) ? new java.math.BigDecimal(v).round(new java.math.MathContext(11)).stripTrailingZeros().toPlainString()
                : Double.toString(v);
    }

    @Test
    void sameSeriesValuesAndTimestamps(@TempDir Path dir) throws Exception {
        Path victoria = References.require("victoria-metrics");
        String flink;
        try (InputStream in = getClass().getResourceAsStream("/golden/flink-2.3.0-push-running.txt")) {
            flink = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        long base = (System.currentTimeMillis() / 1000 - 3600) * 1000;
        StringBuilder body = new StringBuilder();
        int i = 0;
        int withoutTs = 0;
        for (String line : flink.split("\n")) {
            if (line.startsWith("#") || line.endsWith(" NaN")) {
                body.append(line).append('\n');
                continue;
            }
            i++;
            switch (i % 5) {
                case 0 -> {
                    body.append(line).append('\n');
                    withoutTs++;
                }
                case 1 -> body.append(line).append(' ').append(base + i).append("\r\n");
                case 2 -> body.append(line).append(' ').append(base + i).append(" \n");
                default -> body.append(line).append(' ').append(base + i).append('\n');
            }
        }
        body.setLength(body.length() - 1); // no final newline
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(victoria.toString(), "-httpListenAddr=127.0.0.1:" + port, "-storageDataPath=" + dir.resolve("data"),
                "-retentionPeriod=2", "-search.latencyOffset=0s").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String url = "http://127.0.0.1:" + port;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    assertTrue(System.nanoTime() < deadline, "victoria-metrics did not start");
                }
                Thread.sleep(50);
            }
            long before = System.currentTimeMillis();
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/import/prometheus?extra_label=job=imported&extra_label=dc=eu"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            long after = System.currentTimeMillis();
            assertEquals(204, resp.statusCode(), resp.body());
            // VictoriaMetrics makes rows searchable asynchronously, even after a forced flush; on a
            // loaded machine that takes seconds, so ask again until every series is there.
            HttpRequest exportRequest = HttpRequest.newBuilder(URI.create(url + "/api/v1/export?end=" + (after / 1000 + 60)
                    + "&match%5B%5D=" + URLEncoder.encode("{job=\"imported\"}", StandardCharsets.UTF_8))).build();
            HttpResponse<String> export;
            long exportDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                http.send(HttpRequest.newBuilder(URI.create(url + "/internal/force_flush")).build(), HttpResponse.BodyHandlers.discarding());
                export = http.send(exportRequest, HttpResponse.BodyHandlers.ofString());
                if (export.body().lines().filter(l -> !l.isBlank()).count() >= 510 || System.nanoTime() > exportDeadline) {
                    break;
                }
                Thread.sleep(200);
            } while (true);

            Map<Labels, String> theirs = new TreeMap<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : export.body().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                Labels.Builder b = Labels.builder();
                n.get("metric").fields().forEachRemaining(e -> b.set(e.getKey(), e.getValue().asText()));
                long t = n.get("timestamps").get(0).asLong();
                String when = t >= before - 1000 && t <= after + 1000 ? "now" : Long.toString(t); // its clock, maybe rounded to the second
                // It keeps 12 significant digits by default (lossy by design); ours are exact.
                theirs.put(b.build(), round(n.get("values").get(0).asDouble()) + "@" + when);
            }

            Map<Labels, String> ours = new TreeMap<>();
            long now = 1_234L;
            new PrometheusImporter().importBody(new ByteArrayInputStream(bytes), ExpositionFormat.TEXT,
                    PrometheusImporter.extraLabels(java.util.List.of("job=imported", "dc=eu")), now, b -> {
                        for (int k = 0; k < b.size(); k++) {
                            ours.put(b.labels(k), round(b.value(k)) + "@" + (b.timestamp(k) == now ? "now" : Long.toString(b.timestamp(k))));
                        }
                    });
            assertEquals(510, ours.size());
            StringBuilder diff = new StringBuilder();
            for (Labels l : ours.keySet()) {
                if (!ours.get(l).equals(theirs.get(l)) && diff.length() < 2000) {
                    diff.append(l).append(": ours ").append(ours.get(l)).append(", theirs ").append(theirs.get(l)).append('\n');
                }
            }
            theirs.keySet().stream().filter(l -> !ours.containsKey(l)).limit(5).forEach(l -> diff.append("only theirs: ").append(l).append('\n'));
            assertEquals("", diff.toString());
            assertEquals(withoutTs, ours.values().stream().filter(v -> v.endsWith("@now")).count());
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
