package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil remote-writes to the real VictoriaMetrics 1.79 and the real Prometheus 2.42 receiver at
 * once while pushes go on; VictoriaMetrics is stopped for a while ({@code vigil.rw.outageSeconds},
 * default 20; the bench runs 120) and started again. Afterwards each receiver holds exactly what
 * Vigil stored, sample for sample, with the external label added and the series that
 * write_relabel_configs drops left out.
 */
class RemoteWriteReceiversTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    @Test
    void everyStoredSampleReachesBothReceiversThroughAnOutage() throws Exception {
        int vmPort = Processes.freePort();
        int promPort = Processes.freePort();
        String vm = "http://127.0.0.1:" + vmPort;
        String prom = "http://127.0.0.1:" + promPort;
        Process vmProc = Receivers.victoria(dir, vmPort);
        Process promProc = Receivers.prometheus(dir, promPort);
        VigilServer server = null;
        Pusher pusher = null;
        try {
            Path cfgFile = dir.resolve("vigil.yml");
            Files.writeString(cfgFile, config(vm, prom));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                    "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + cfgFile, "--web.enable-lifecycle");
            server = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
            String vigil = "http://127.0.0.1:" + server.webAddress().getPort();

            String shown = Receivers.get(vigil + "/api/v1/status/config").path("data").path("yaml").asText();
            assertTrue(shown.contains("password: <secret>") && !shown.contains("hunter2"), shown);

            pusher = new Pusher(vigil);
            pusher.start();
            pusher.awaitPushes(30);
            Processes.stop(vmProc);
            long outage = Long.getLong("vigil.rw.outageSeconds", 20);
            long until = System.nanoTime() + outage * 1_000_000_000L;
            while (System.nanoTime() < until) {
                Thread.sleep(500);
            }
            String during = metrics(vigil);
            assertTrue(value(during, "prometheus_remote_storage_samples_retried_total", "vm") > 0, during);
            vmProc = Receivers.victoria(dir, vmPort);
            pusher.awaitPushes(pusher.pushes() + 30);
            pusher.stop();

            awaitSent(vigil, "vm");
            awaitSent(vigil, "prom");
            Receivers.flushVictoria(vm);

            String sel = "{job=\"rw\"}";
            Map<String, Map<Long, Double>> stored = Receivers.rawViaQuery(vigil, sel, 3600, Map.of("dc", "eu1"));
            Map<String, Map<Long, Double>> expected = new TreeMap<>(stored);
            expected.keySet().removeIf(k -> k.contains("__name__=rw_dropped"));
            assertTrue(expected.size() < stored.size(), "the test pushes a series that relabelling drops");
            assertTrue(Receivers.count(expected) > 500, "pushed " + Receivers.count(expected));
            assertEquals(expected, Receivers.whenEqual(expected, () -> Receivers.rawViaQuery(prom, sel, 3600, Map.of())),
                    "Prometheus differs from Vigil");
            assertEquals(expected, Receivers.whenEqual(expected, () -> {
                Receivers.flushVictoria(vm);
                return Receivers.rawViaExport(vm, sel);
            }), "VictoriaMetrics differs from Vigil");

            com.fasterxml.jackson.databind.JsonNode queues = Receivers.get(vigil + "/api/v1/status/remote_write").path("data").path("queues");
            assertEquals(2, queues.size(), queues.toString());
            assertEquals("vm", queues.get(0).path("name").asText());
            assertTrue(queues.get(0).path("samplesSent").asLong() > 0 && queues.get(0).path("position").asText().startsWith("segment "),
                    queues.toString());
            assertFalse(queues.toString().contains("hunter2"), queues.toString());

            String after = metrics(vigil);
            assertTrue(value(after, "prometheus_remote_storage_samples_dropped_total", "vm") > 0, after);
            assertEquals(0, value(after, "prometheus_remote_storage_samples_failed_total", "vm"), after);
            assertEquals(0, value(after, "prometheus_remote_storage_samples_pending", "prom"), after);
            assertFalse(after.contains("hunter2"), after);

            // A reload that drops a remote stops its queue and forgets its WAL position.
            assertTrue(Files.exists(dir.resolve("data/wal_tails/remote_write-prom")));
            Files.writeString(cfgFile, config(vm, prom).replaceAll("(?s)  - url: [^\\n]*\\n    name: prom.*", ""));
            HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(URI.create(vigil + "/-/reload"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reload.statusCode(), reload.body());
            queues = Receivers.get(vigil + "/api/v1/status/remote_write").path("data").path("queues");
            assertEquals(1, queues.size(), queues.toString());
            assertFalse(Files.exists(dir.resolve("data/wal_tails/remote_write-prom")));
            assertTrue(Files.exists(dir.resolve("data/wal_tails/remote_write-vm")));
        } finally {
            if (pusher != null) {
                pusher.stop();
            }
            if (server != null) {
                server.close();
            }
            Processes.stop(vmProc);
            Processes.stop(promProc);
        }
    }

    static String config(String vm, String prom) {
        return """
                global:
                  external_labels:
                    dc: eu1
                remote_write:
                  - url: %s/api/v1/write
                    name: vm
                    remote_timeout: 5s
                    basic_auth:
                      username: vigil
                      password: hunter2
                    queue_config:
                      batch_send_deadline: 500ms
                      min_backoff: 100ms
                      max_backoff: 1s
                      capacity: 500
                      max_samples_per_send: 100
                    write_relabel_configs:
                      - source_labels: [__name__]
                        regex: rw_dropped
                        action: drop
                  - url: %s/api/v1/write
                    name: prom
                    queue_config:
                      batch_send_deadline: 500ms
                    write_relabel_configs:
                      - source_labels: [__name__]
                        regex: rw_dropped
                        action: drop
                """.formatted(vm, prom);
    }

    /** Waits until a remote has nothing pending and has sent up to the newest sample Vigil holds. */
    static void awaitSent(String vigil, String remote) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String m = "";
        while (System.nanoTime() < deadline) {
            m = metrics(vigil);
            double hi = value(m, "prometheus_remote_storage_highest_timestamp_in_seconds", null);
            double sent = value(m, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", remote);
            if (sent >= hi && value(m, "prometheus_remote_storage_samples_pending", remote) == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(remote + " did not catch up:\n" + m);
    }

    static String metrics(String vigil) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(vigil + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static double value(String metrics, String name, String remote) {
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(name) + (remote == null ? "" : "\\{remote_name=\"" + remote + "\"[^}]*\\}")
                + " (\\S+)$");
        Matcher mm = p.matcher(metrics);
        if (!mm.find()) {
            throw new AssertionError(name + " for " + remote + " not in\n" + metrics);
        }
        return Double.parseDouble(mm.group(1));
    }

    /** PUTs a group of counters every 50 ms, each push one higher, until stopped. */
    static final class Pusher {
        private final String base;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong pushes = new AtomicLong();
        private final Thread t;
        volatile Exception failure;

        Pusher(String base) {
            this.base = base;
            this.t = new Thread(this::run, "pusher");
        }

        void start() {
            t.start();
        }

        long pushes() {
            return pushes.get();
        }

        void awaitPushes(long n) throws Exception {
            while (pushes.get() < n) {
                if (failure != null) {
                    throw failure;
                }
                Thread.sleep(50);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            t.join();
        }

        private void run() {
            try {
                while (!stop.get()) {
                    long i = pushes.get();
                    StringBuilder b = new StringBuilder("# TYPE rw_counter_total counter\n");
                    for (int j = 0; j < 10; j++) {
                        b.append("rw_counter_total{n=\"").append(j).append("\"} ").append(i * 10 + j).append('\n');
                    }
                    b.append("rw_gauge ").append(i * 0.25).append("\nrw_dropped ").append(i).append('\n');
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics/job/rw/instance/i" + (i % 3)))
                            .PUT(HttpRequest.BodyPublishers.ofString(b.toString())).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("push: " + r.statusCode() + " " + r.body());
                    }
                    pushes.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                failure = e;
            }
        }
    }
}
