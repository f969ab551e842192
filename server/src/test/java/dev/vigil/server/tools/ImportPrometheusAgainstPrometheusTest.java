package dev.vigil.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.MainAccess;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder the real Prometheus 2.42 made: promtool's backfilled history, which Prometheus compacts into
 * level-2 blocks at start, then its own scrapes of itself in the head; a {@code delete_series} leaves a tombstone in
 * a compacted block. While it runs, the import refuses the folder. Its snapshot (blocks plus the head as a block) is
 * imported, then the stopped folder (blocks and WAL: only the scrapes after the snapshot are new), then the folder
 * again (nothing new). Vigil on the result and Prometheus restarted on its folder then give the same range query
 * answers over the whole time.
 */
class ImportPrometheusAgainstPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long H = 3600;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = MainAccess.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        err = e.toString(StandardCharsets.UTF_8);
        return rc;
    }

    @Test
    void anImportedFolderAnswersAsPrometheusDoes() throws Exception {
        Path prometheus = dev.vigil.tsdb.testing.References.require("prometheus");
        Path promtool = dev.vigil.tsdb.testing.References.require("promtool");
        long now = System.currentTimeMillis() / 1000;
        long histStart = now - 17 * H;
        long histEnd = now - 3 * H;
        StringBuilder om = new StringBuilder("# TYPE hist_total counter\n");
        for (int tm = 0; tm < 3; tm++) {
            for (long t = histStart; t < histEnd; t += 60) {
                om.append("hist_total{tm=\"tm").append(tm).append("\"} ").append((t - histStart) / 60 * (tm + 1)).append(' ')
                        .append(t).append('\n');
            }
        }
        om.append("# EOF\n");
        Files.writeString(dir.resolve("hist.om"), om);
        Path prom = dir.resolve("prom");
        Process pt = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics",
                dir.resolve("hist.om").toString(), prom.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, pt.waitFor());

        int port = Processes.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        String base = "http://127.0.0.1:" + port;
        Path data = dir.resolve("vigil");
        Process p = Processes.start(List.of(prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path=" + prom,
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-admin-api", "--storage.tsdb.use-lockfile"),
                dir.resolve("prometheus.log"), base + "/-/ready", Duration.ofSeconds(30));
        Path snapshot;
        try {
            awaitCompactedBlock(prom);
            // The start-up compactions end within a second; then some seconds of scrapes in the head.
            Thread.sleep(6_000);
            long delFrom = histStart + 5 * H;
            post(base + "/api/v1/admin/tsdb/delete_series?match[]=" + enc("hist_total{tm=\"tm1\"}") + "&start=" + delFrom
                    + "&end=" + (delFrom + H), 204);
            assertEquals(1, run("tsdb", "import-prometheus", prom.toString(), data.toString()));
            assertTrue(err.contains("Prometheus data folder " + prom + " is in use (its lock file is held by process "), err);
            assertFalse(Files.exists(data) && blocks(data) > 0, "nothing imported from a running Prometheus");
            JsonNode snap = post(base + "/api/v1/admin/tsdb/snapshot", 200);
            snapshot = prom.resolve("snapshots").resolve(snap.get("data").get("name").asText());
            // More scrapes, in the WAL only.
            Thread.sleep(3_000);
        } finally {
            Processes.stop(p);
        }
        assertTrue(hasTombstone(snapshot), "a compacted block of the snapshot carries the deletion");

        assertEquals(0, run("tsdb", "import-prometheus", snapshot.toString(), data.toString()), () -> err);
        String first = err;
        // 60 minutes deleted at 60 s, the range's both ends included.
        assertTrue(first.contains("left out 61 samples in deleted ranges (tombstones)"), first);
        assertTrue(first.contains("skipped 0 samples already present"), first);
        assertFalse(first.contains("WAL"), first);

        // The stopped folder: its blocks are the snapshot's, its WAL holds the head, snapshotted or scraped since.
        assertEquals(0, run("tsdb", "import-prometheus", prom.toString(), data.toString()), () -> err);
        String second = err;
        assertTrue(second.contains(" blocks and the WAL into 1 new blocks"), second);
        assertTrue(second.matches("(?s).*\\nskipped [1-9][0-9]* samples already present\\n.*"), second);
        long blocksAfter = blocks(data);
        assertEquals(0, run("tsdb", "import-prometheus", prom.toString(), data.toString()), () -> err);
        assertTrue(err.contains("imported 0 samples of 0 series from "), err);
        assertEquals(blocksAfter, blocks(data), "the third run wrote no block");

        // Prometheus again, on its folder and scraping nothing; Vigil on the import.
        try (SideBySide both = SideBySide.open(prometheus, prom, data, dir)) {
            String v = both.vigil();
            String pr = both.prometheus();
            long end = now + 120;
            List<String> whole = List.of("hist_total", "count_over_time(hist_total[10m])", "rate(hist_total[5m])",
                    "up", "count({__name__=~\".+\"})", "sum by (job) (prometheus_tsdb_head_series)");
            for (String q : whole) {
                assertSame(pr, v, q, histStart - 600, end, 60);
            }
            List<String> recent = List.of("rate(prometheus_http_requests_total[5s])", "scrape_samples_scraped",
                    "count by (__name__) ({job=\"self\"})");
            for (String q : recent) {
                assertSame(pr, v, q, now - 30, end, 1);
            }
            // Around the deleted hour: 2 points before it, 5 from the lookback of the last sample before it, 2 after.
            assertSame(pr, v, "hist_total{tm=\"tm1\"}", histStart + 5 * H - 120, histStart + 6 * H + 120, 60);
            JsonNode gap = query(v, "hist_total{tm=\"tm1\"}", histStart + 5 * H - 120, histStart + 6 * H + 120, 60);
            assertEquals(2 + 5 + 2, gap.get("data").get("result").get(0).get("values").size(), "the deleted hour: " + gap);
        }
    }

    /**
     * A Prometheus killed with SIGKILL leaves its lock file (unlocked) and a WAL that may end in a torn record: the
     * folder is imported (it is not in use), and Vigil then answers as that Prometheus restarted on it.
     */
    @Test
    void aKilledPrometheusWithOnlyAWalIsImported() throws Exception {
        Path prometheus = dev.vigil.tsdb.testing.References.require("prometheus");
        int port = Processes.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        Path prom = dir.resolve("prom");
        long start = System.currentTimeMillis() / 1000;
        Process p = Processes.start(List.of(prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path=" + prom,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.use-lockfile"), dir.resolve("prometheus.log"),
                "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(30));
        // Targets are applied 5 s after start; wait for some scrapes, which the WAL then holds.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (query("http://127.0.0.1:" + port, "count_over_time(up[1m]) >= 3", start, start + 120, 60)
                .get("data").get("result").isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "Prometheus did not scrape itself 3 times in 60 s");
            Thread.sleep(500);
        }
        p.destroyForcibly().waitFor();
        assertTrue(Files.exists(prom.resolve("lock")), "a killed Prometheus leaves its lock file");

        Path data = dir.resolve("vigil");
        assertEquals(0, run("tsdb", "import-prometheus", prom.toString(), data.toString()), () -> err);
        assertTrue(err.contains("from 0 blocks and the WAL into 1 new blocks"), () -> err + listing(prom));

        try (SideBySide both = SideBySide.open(prometheus, prom, data, dir)) {
            String v = both.vigil();
            long end = System.currentTimeMillis() / 1000 + 60;
            for (String q : List.of("up", "scrape_samples_scraped", "count by (__name__) ({job=\"self\"})")) {
                assertSame(both.prometheus(), v, q, start - 5, end, 1);
            }
        }
    }

    /**
     * Prometheus again on its folder, scraping nothing, and Vigil on the folder it was imported
     * into: both answer the same queries over the same history. Their base addresses.
     */
    private record SideBySide(Process process, VigilServer server, String prometheus, String vigil) implements AutoCloseable {
        static SideBySide open(Path binary, Path prom, Path data, Path dir) throws Exception {
            Path empty = dir.resolve("empty.yml");
            Files.writeString(empty, "global:\n  scrape_interval: 1m\n");
            int port = Processes.freePort();
            Process p = Processes.start(List.of(binary.toString(), "--config.file=" + empty, "--storage.tsdb.path=" + prom,
                    "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus2.log"),
                    "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(30));
            try {
                ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                        "--storage.tsdb.path=" + data, "--config.file=" + empty);
                VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
                return new SideBySide(p, vigil, "http://127.0.0.1:" + port, "http://127.0.0.1:" + vigil.webAddress().getPort());
            } catch (Exception | Error e) {
                Processes.stop(p);
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            try {
                server.close();
            } finally {
                Processes.stop(process);
            }
        }
    }

    private void assertSame(String prom, String vigil, String q, long start, long end, long step) throws Exception {
        Map<String, String> want = matrix(query(prom, q, start, end, step));
        assertFalse(want.isEmpty(), q + ": Prometheus has no answer");
        assertEquals(want, matrix(query(vigil, q, start, end, step)), q);
    }

    private JsonNode query(String base, String q, long start, long end, long step) throws Exception {
        String url = base + "/api/v1/query_range?query=" + enc(q) + "&start=" + start + "&end=" + end + "&step=" + step;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static Map<String, String> matrix(JsonNode answer) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : answer.get("data").get("result")) {
            out.put(new TreeMap<>(JSON.convertValue(s.get("metric"), Map.class)).toString(), s.get("values").toString());
        }
        return out;
    }

    private JsonNode post(String url, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), url + ": " + r.body());
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Waits until Prometheus has compacted promtool's 2 h blocks into a larger one (it does so soon after start). */
    private static void awaitCompactedBlock(Path prom) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            try (Stream<Path> s = Files.list(prom)) {
                for (Path b : s.toList()) {
                    Path meta = b.resolve("meta.json");
                    if (Files.exists(meta) && JSON.readTree(meta.toFile()).get("compaction").get("level").asInt() >= 2) {
                        return;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "Prometheus compacted nothing in 120 s");
            Thread.sleep(500);
        }
    }

    private static boolean hasTombstone(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            for (Path b : s.toList()) {
                Path t = b.resolve("tombstones");
                if (Files.exists(t) && Files.size(t) > 9
                        && JSON.readTree(b.resolve("meta.json").toFile()).get("compaction").get("level").asInt() >= 2) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String listing(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            StringBuilder b = new StringBuilder();
            for (Path p : s.toList()) {
                b.append(p).append(' ').append(Files.isRegularFile(p) ? Files.size(p) : 0).append('\n');
            }
            return b.toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static long blocks(Path data) throws Exception {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(b -> Files.exists(b.resolve("meta.json"))).count();
        }
    }
}
