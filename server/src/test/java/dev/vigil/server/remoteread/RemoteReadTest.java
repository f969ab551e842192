package dev.vigil.server.remoteread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.api.ApiServerFixture;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;

/**
 * {@code /api/v1/read} over the on-disk store: the real Prometheus 2.42 reading through it answers PromQL exactly as
 * Vigil does, and the streamed response carries every sample in Prometheus's XOR chunks.
 */
class RemoteReadTest {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    /** The real store, as in production: its querier, sorting and hints are what clients read through. */
    private Db store;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Two hours of data ending at a whole minute before now. */
    private final long base = System.currentTimeMillis() / 60_000 * 60_000 - 3 * 3600_000L;
    private final long end = base + 2 * 3600_000L;

    @BeforeEach
    void open() throws Exception {
        store = Db.open(DbOptions.builder(dir.resolve("data")).build());
    }

    private void fill() throws Exception {
        Random r = new Random(3);
        Appender a = store.appender();
        double[] counters = new double[2];
        for (long t = base; t <= end; t += STEP) {
            for (int i = 0; i < 2; i++) {
                counters[i] = t == base + 3600_000L && i == 0 ? 3 : counters[i] + r.nextInt(50); // one reset
                a.append(0, Labels.of("__name__", "rr_requests_total", "job", "flink", "instance", "tm-" + i), t, counters[i]);
            }
            long off = t - base;
            if (off < 90 * 60_000L || off >= 100 * 60_000L) {
                a.append(0, Labels.of("__name__", "rr_gauge", "job", "flink", "tm", "a"), t, Math.round(r.nextGaussian() * 1000) / 8.0);
            } else if (off == 90 * 60_000L) {
                a.append(0, Labels.of("__name__", "rr_gauge", "job", "flink", "tm", "a"), t, Values.STALE_NAN);
            }
            a.append(0, Labels.of("__name__", "rr_gauge", "job", "other", "tm", "b"), t + 7_000, r.nextDouble() * 1e6);
        }
        a.commit();
    }

    private ApiServerFixture server(String... flags) throws Exception {
        Path cfg = dir.resolve("vigil.yml");
        Files.writeString(cfg, "global:\n  external_labels:\n    region: eu\n");
        String[] all = new String[flags.length + 1];
        all[0] = "--config.file=" + cfg;
        System.arraycopy(flags, 0, all, 1, flags.length);
        return new ApiServerFixture(() -> store, all);
    }

    private JsonNode query(String base, String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode j = JSON.readTree(r.body());
        assertEquals("success", j.get("status").asText(), pathAndQuery + ": " + r.body());
        return j.get("data");
    }

    /** A result as a map from the series' labels (without {@code region}) to its value(s); counts region labels seen. */
    private static Map<String, String> normalise(JsonNode data, int[] regions) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : data.get("result")) {
            ObjectNode m = (ObjectNode) s.get("metric").deepCopy();
            if (m.has("region")) {
                assertEquals("eu", m.get("region").asText());
                regions[0]++;
                m.remove("region");
            }
            TreeMap<String, String> sorted = new TreeMap<>();
            m.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
            out.put(sorted.toString(), s.has("values") ? s.get("values").toString() : s.get("value").toString());
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "filter_external_labels: {0}")
    @ValueSource(booleans = {true, false})
    void prometheusAnswersFromVigilsData(boolean filterExternalLabels) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "prometheus not installed");
        fill();
        try (ApiServerFixture s = server()) {
            int port = Processes.freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      external_labels:
                        region: eu
                    remote_read:
                      - url: %s/api/v1/read
                        read_recent: true
                        filter_external_labels: %s
                    """.formatted(s.base, filterExternalLabels));
            Process p = Processes.start(List.of(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("prom"),
                    "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log"), "http://127.0.0.1:" + port + "/-/ready",
                    Duration.ofSeconds(30));
            String prom = "http://127.0.0.1:" + port;
            try {
                double at = (base + 110 * 60_000L) / 1000.0;
                double inGap = (base + 95 * 60_000L) / 1000.0;
                List<String> calls = new ArrayList<>();
                for (String q : List.of("rr_requests_total", "rate(rr_requests_total[5m])", "sum by (job) (rr_gauge)",
                        "rr_gauge{tm=~\"a|b\"}", "rr_gauge{job!=\"other\"}", "increase(rr_requests_total{instance!~\"tm-1\"}[1h])")) {
                    calls.add("/api/v1/query?query=" + enc(q) + "&time=" + at);
                    calls.add("/api/v1/query?query=" + enc(q) + "&time=" + inGap);
                }
                for (String q : List.of("rate(rr_requests_total[2m])", "rr_gauge", "max_over_time(rr_gauge[10m])",
                        "sum(rr_requests_total)")) {
                    calls.add("/api/v1/query_range?query=" + enc(q) + "&start=" + (base + 600_000) / 1000.0 + "&end="
                            + (end - 60_000) / 1000.0 + "&step=60");
                }
                int[] regionsSeen = {0};
                int series = 0;
                for (String c : calls) {
                    Map<String, String> vigil = normalise(query(s.base, c), new int[1]);
                    Map<String, String> prometheus = normalise(query(prom, c), regionsSeen);
                    assertEquals(vigil, prometheus, c);
                    series += vigil.size();
                }
                assertTrue(series >= 24, "the queries return data: " + series + " series");
                // Without the filter Prometheus sees the external label Vigil attaches; with it, it removes it again.
                assertEquals(filterExternalLabels, regionsSeen[0] == 0, "region labels in Prometheus's answers: " + regionsSeen[0]);
            } finally {
                Processes.stop(p);
            }
        }
    }

    @Test
    void streamedChunksHoldEverySample() throws Exception {
        fill();
        try (ApiServerFixture s = server("--storage.remote.read-sample-limit=100")) {
            ReadClient c = new ReadClient(s.base);
            long from = base + 1000;
            long to = end - 1000;
            byte[] req = ReadClient.request(List.of(
                    new ReadClient.Q(from, to, List.of(new ReadClient.M(0, "__name__", "rr_gauge"), new ReadClient.M(0, "region", "eu"))),
                    new ReadClient.Q(from, to, List.of(new ReadClient.M(2, "__name__", "rr_.*"), new ReadClient.M(1, "job", "other"),
                            new ReadClient.M(3, "instance", "tm-0")))), 1, 0);
            HttpResponse<byte[]> r = c.post(req);
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
                    r.headers().firstValue("Content-Type").orElse(""));
            Map<Integer, List<ReadClient.S>> got = ReadClient.streamed(r.body());
            assertEquals(2, got.get(0).size());
            List<String> q1 = new ArrayList<>();
            for (ReadClient.S series : got.get(1)) {
                q1.add(series.labels().toString());
            }
            // Sorted by labels; region is attached to each.
            assertEquals(List.of("{__name__=rr_gauge, job=flink, region=eu, tm=a}",
                    "{__name__=rr_requests_total, instance=tm-1, job=flink, region=eu}"), q1);
            for (List<ReadClient.S> list : got.values()) {
                for (ReadClient.S series : list) {
                    Labels l = Labels.of(series.labels()).without("region");
                    List<Long> ts = new ArrayList<>();
                    List<Long> vs = new ArrayList<>();
                    var q = store.querier(from, to);
                    var ss = q.select(true, new dev.vigil.tsdb.SelectHints(from, to, 0, 0, null), dev.vigil.tsdb.Matcher.eq("__name__", l.metricName()));
                    while (ss.next()) {
                        if (ss.at().labels().equals(l)) {
                            var it = ss.at().iterator(null);
                            while (it.next()) {
                                ts.add(it.t());
                                vs.add(Double.doubleToRawLongBits(it.v()));
                            }
                        }
                    }
                    q.close();
                    assertEquals(ts, series.t(), l.toString());
                    List<Long> gotBits = series.v().stream().map(Double::doubleToRawLongBits).toList();
                    assertEquals(vs, gotBits, l.toString());
                    assertTrue(series.chunkSizes().stream().allMatch(n -> n <= 120), series.chunkSizes().toString());
                    assertTrue(ts.size() > 400, "more than a few chunks: " + ts.size());
                }
            }
            assertTrue(got.get(0).get(0).v().stream().anyMatch(Values::isStaleNaN), "the stale marker is read back");

            // The sample limit applies to sampled responses only, as in Prometheus.
            HttpResponse<byte[]> limited = c.post(ReadClient.request(List.of(
                    new ReadClient.Q(from, to, List.of(new ReadClient.M(0, "__name__", "rr_gauge"))))));
            assertEquals(400, limited.statusCode());
            assertEquals("exceeded sample limit (100)\n", new String(limited.body(), StandardCharsets.UTF_8));
            HttpResponse<byte[]> small = c.post(ReadClient.request(List.of(
                    new ReadClient.Q(end - 60_000, end, List.of(new ReadClient.M(0, "__name__", "rr_gauge"))))));
            assertEquals(200, small.statusCode());
            assertEquals("snappy", small.headers().firstValue("Content-Encoding").orElse(""));
            assertTrue(Snappy.uncompress(small.body()).length > 0);

            HttpResponse<byte[]> garbage = c.post("not snappy".getBytes(StandardCharsets.UTF_8));
            assertEquals(400, garbage.statusCode());
            HttpResponse<byte[]> badRegex = c.post(ReadClient.request(List.of(
                    new ReadClient.Q(from, to, List.of(new ReadClient.M(2, "__name__", "rr_(")))), 0));
            assertEquals(400, badRegex.statusCode(), new String(badRegex.body(), StandardCharsets.UTF_8));
            HttpResponse<byte[]> unknownType = c.post(ReadClient.request(List.of(), 7));
            assertEquals(400, unknownType.statusCode());
        }
    }

    @Test
    void smallFramesSplitASeriesAndTheConcurrencyGateLetsEveryRequestThrough() throws Exception {
        fill();
        try (ApiServerFixture s = server("--storage.remote.read-max-bytes-in-frame=300", "--storage.remote.read-concurrent-limit=1")) {
            ReadClient c = new ReadClient(s.base);
            byte[] req = ReadClient.request(List.of(new ReadClient.Q(base, end,
                    List.of(new ReadClient.M(0, "__name__", "rr_requests_total")))), 1);
            HttpResponse<byte[]> r = c.post(req);
            assertEquals(200, r.statusCode());
            List<ReadClient.S> frames = ReadClient.streamed(r.body()).get(0);
            // Each frame holds a part of one series; the parts of a series follow each other.
            Map<String, List<Long>> joined = new java.util.LinkedHashMap<>();
            for (ReadClient.S f : frames) {
                joined.computeIfAbsent(f.labels().toString(), k -> new ArrayList<>()).addAll(f.t());
            }
            assertEquals(2, joined.size(), joined.keySet().toString());
            assertTrue(frames.size() > 4, "frames: " + frames.size());
            for (List<Long> ts : joined.values()) {
                assertEquals((end - base) / STEP + 1, ts.size());
                for (int i = 1; i < ts.size(); i++) {
                    assertEquals(STEP, ts.get(i) - ts.get(i - 1));
                }
            }
            // One request at a time: bad ones must give their turn back too.
            List<java.util.concurrent.CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] body = i % 3 == 0 ? "junk".getBytes(StandardCharsets.UTF_8) : req;
                all.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.post(body).statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i % 3 == 0 ? 400 : 200, all.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
    }
}
