package dev.vigil.query.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.tsdb.Labels;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Prometheus (Debian's 2.42 binary) on a free loopback port, over a temporary data
 * directory backfilled with the given series through {@code promtool tsdb create-blocks-from
 * openmetrics}. Used as the reference for PromQL results.
 */
final class ReferencePrometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** A series to backfill: labels (with {@code __name__}) and samples. */
    record Data(Labels labels, long[] t, double[] v) {
    }

    ReferencePrometheus(List<Data> series) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("vigil-reference-prometheus");
        Path om = dir.resolve("input.om");
        writeOpenMetrics(series, om);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        run(List.of(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", om.toString(), data.toString()));
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "global: {}\nscrape_configs: []\n");
        port = freePort();
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "--config.file=" + cfg, "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:" + port, "--log.level=warn");
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("prometheus.log").toFile());
        process = pb.start();
        waitReady();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("promtool.log").toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("promtool failed: " + Files.readString(dir.resolve("promtool.log")));
        }
    }

    private void waitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("prometheus not ready after 60 s");
    }

    private static void writeOpenMetrics(List<Data> series, Path out) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            for (Data d : series) {
                StringBuilder head = new StringBuilder(d.labels().metricName()).append('{');
                boolean first = true;
                for (int i = 0; i < d.labels().size(); i++) {
                    if (d.labels().name(i).equals(Labels.METRIC_NAME)) {
                        continue;
                    }
                    if (!first) {
                        head.append(',');
                    }
                    first = false;
                    head.append(d.labels().name(i)).append("=\"").append(d.labels().value(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                }
                head.append("} ");
                String h = head.toString();
                for (int i = 0; i < d.t().length; i++) {
                    w.write(h);
                    w.write(format(d.v()[i]));
                    w.write(' ');
                    w.write(Long.toString(d.t()[i] / 1000));
                    long ms = d.t()[i] % 1000;
                    if (ms != 0) {
                        w.write(String.format(".%03d", ms));
                    }
                    w.write('\n');
                }
            }
            w.write("# EOF\n");
        }
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    /** GET /api/v1/query; the parsed envelope. */
    JsonNode instant(String query, long timeMs) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + enc(query) + "&time=" + seconds(timeMs));
    }

    /** GET /api/v1/query_range; the parsed envelope. */
    JsonNode range(String query, long startMs, long endMs, long stepMs) throws IOException, InterruptedException {
        return get("/api/v1/query_range?query=" + enc(query) + "&start=" + seconds(startMs) + "&end=" + seconds(endMs)
                + "&step=" + seconds(stepMs));
    }

    /** A range query with {@code stats=all}: Prometheus's own timings are in data.stats. */
    JsonNode rangeWithStats(String query, long startMs, long endMs, long stepMs) throws IOException, InterruptedException {
        return get("/api/v1/query_range?stats=all&query=" + enc(query) + "&start=" + seconds(startMs) + "&end=" + seconds(endMs)
                + "&step=" + seconds(stepMs));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(200)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String seconds(long ms) {
        return String.format("%d.%03d", Math.floorDiv(ms, 1000), Math.floorMod(ms, 1000));
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
