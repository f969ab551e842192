package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.tsdb.testing.References;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The generator's pushes against the real Pushgateway (Debian's 1.5.1) on a free loopback port:
 * every PUT and DELETE is accepted, and the groups hold exactly the series we sent.
 */
class PushgatewayCompatibilityTest {
    private static Process pushgateway;
    private static String url;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path binary = References.require("prometheus-pushgateway");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        // Debian's build persists to /var/lib/prometheus/pushgateway.data unless told otherwise.
        pushgateway = new ProcessBuilder(binary.toString(), "--web.listen-address=127.0.0.1:" + port, "--persistence.file=")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("pushgateway did not start on " + url);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (pushgateway != null) {
            pushgateway.destroy();
            pushgateway.waitFor();
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pushesAreAcceptedAndGroupsHoldEverySeriesThenDeletesEmptyThem() throws Exception {
        int code = new CommandLine(new PushCommand()).execute("--url", url, "-n", "2", "--interval", "PT1S", "--duration", "PT2.5S",
                "--progress", "PT10S", "--no-delete-on-exit");
        assertEquals(0, code, "every push answered 2xx");

        Cluster same = new Cluster(ClusterSpec.defaults(2), 0);
        String metrics = get("/metrics").body();
        for (Reporter r : same.reporters()) {
            String job = "job=\"" + r.groupJob() + "\"";
            long lines = metrics.lines().filter(l -> l.startsWith("flink_") && l.contains(job)).count();
            // The Pushgateway adds a synthetic _sum for every summary child (20 subtasks per TaskManager).
            long expected = r.sampleCount() + (r.name().startsWith("taskmanager") ? 20 : 0);
            assertEquals(expected, lines, r.name());
            assertTrue(metrics.contains("push_time_seconds{instance=\"\"," + job + "}"), r.name());
        }

        code = new CommandLine(new FloodCommand()).execute("--url", url, "-n", "2", "-c", "2", "--duration", "PT1S", "--progress", "PT10S");
        assertEquals(0, code, "flood pushes and the closing DELETEs answered 2xx");
        // The Pushgateway applies a DELETE after answering 202, so give it a moment.
        String groups = "";
        for (int i = 0; i < 50; i++) {
            groups = get("/api/v1/metrics").body().strip();
            if (groups.equals("{\"status\":\"success\",\"data\":[]}")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("{\"status\":\"success\",\"data\":[]}", groups.length() > 200 ? groups.substring(0, 200) : groups,
                "DELETE removed every group");
    }
}
