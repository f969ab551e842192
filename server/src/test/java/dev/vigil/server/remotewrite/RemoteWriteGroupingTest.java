package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.Labels;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receiver that refuses with 503 for a while and then checks every request it takes: while
 * Vigil catches up, batches hold the same series many times and carry them as TimeSeries of
 * several samples; in the end the receiver took exactly the samples Vigil stored, each once, and
 * each series' samples arrived in time order across all the batches.
 */
class RemoteWriteGroupingTest {
    @TempDir
    Path dir;

    @Test
    void groupedBatchesDeliverEverySampleOnceInOrder() throws Exception {
        CheckingReceiver rx = new CheckingReceiver();
        VigilServer server = null;
        RemoteWriteReceiversTest.Pusher pusher = null;
        try {
            Path cfgFile = dir.resolve("vigil.yml");
            Files.writeString(cfgFile, """
                    remote_write:
                      - url: http://127.0.0.1:%d/api/v1/write
                        name: check
                        queue_config:
                          batch_send_deadline: 200ms
                          min_backoff: 50ms
                          max_backoff: 200ms
                          capacity: 1000
                          max_samples_per_send: 200
                    """.formatted(rx.port()));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                    "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + cfgFile);
            server = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
            String vigil = "http://127.0.0.1:" + server.webAddress().getPort();

            rx.refusing.set(true);
            pusher = new RemoteWriteReceiversTest.Pusher(vigil);
            pusher.start();
            pusher.awaitPushes(60);
            rx.refusing.set(false);
            pusher.awaitPushes(pusher.pushes() + 30);
            pusher.stop();
            RemoteWriteReceiversTest.awaitSent(vigil, "check");

            Map<String, Map<Long, Double>> stored = Receivers.rawViaQuery(vigil, "{job=\"rw\"}", 3600, Map.of());
            assertTrue(Receivers.count(stored) > 1000, "pushed " + Receivers.count(stored));
            Map<String, Map<Long, Double>> got = rx.received("rw");
            assertEquals(stored, got, "what the receiver took differs from what Vigil stored");
            synchronized (rx) {
                assertEquals(List.of(), rx.problems, "duplicates or samples out of order");
                assertTrue(rx.refused > 0, "the receiver refused nothing: no catch-up was tested");
                assertTrue(rx.multiSampleSeries > 0, "no TimeSeries carried more than one sample");
            }
        } finally {
            if (pusher != null) {
                pusher.stop();
            }
            if (server != null) {
                server.close();
            }
            rx.close();
        }
    }

    /** Decodes every request it accepts; notes a sample seen twice or older than its series' last. */
    private static final class CheckingReceiver implements AutoCloseable {
        final AtomicBoolean refusing = new AtomicBoolean();
        private final HttpServer http;
        private final Map<String, Map<Long, Double>> samples = new TreeMap<>();
        private final Map<String, Long> lastT = new TreeMap<>();
        final List<String> problems = new ArrayList<>();
        long refused;
        long multiSampleSeries;
        private final AtomicLong requests = new AtomicLong();

        CheckingReceiver() throws java.io.IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/api/v1/write", this::handle);
            http.start();
        }

        int port() {
            return http.getAddress().getPort();
        }

        private void handle(HttpExchange ex) throws java.io.IOException {
            byte[] body = ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            if (refusing.get()) {
                synchronized (this) {
                    refused++;
                }
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            synchronized (this) {
                try {
                    new RemoteWriteDecoder().decode(body, 0, body.length, this::take);
                } catch (Exception e) {
                    problems.add("undecodable request: " + e);
                }
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        }

        private void take(Labels labels, long[] ts, double[] vs, int count, int index) {
            TreeMap<String, String> m = new TreeMap<>();
            for (int i = 0; i < labels.size(); i++) {
                m.put(labels.name(i), labels.value(i));
            }
            String key = m.toString();
            if (count > 1) {
                multiSampleSeries++;
            }
            Map<Long, Double> s = samples.computeIfAbsent(key, k -> new TreeMap<>());
            for (int i = 0; i < count; i++) {
                if (s.put(ts[i], vs[i]) != null) {
                    problems.add(key + " at " + ts[i] + " twice");
                }
                Long last = lastT.put(key, ts[i]);
                if (last != null && last >= ts[i]) {
                    problems.add(key + " at " + ts[i] + " after " + last);
                }
            }
        }

        synchronized Map<String, Map<Long, Double>> received(String job) {
            Map<String, Map<Long, Double>> out = new TreeMap<>();
            samples.forEach((k, v) -> {
                if (k.contains("job=" + job + ",") || k.contains("job=" + job + "}")) {
                    out.put(k, new TreeMap<>(v));
                }
            });
            return out;
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
