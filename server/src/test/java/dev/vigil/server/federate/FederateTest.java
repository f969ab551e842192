package dev.vigil.server.federate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.api.ApiServerFixture;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.text.GoFloat;
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
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /federate}: its exact text, and the real Prometheus 2.42 federating from Vigil. */
class FederateTest {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The real store, as in production. */
    private Db store;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void open() throws Exception {
        store = Db.open(DbOptions.builder(dir.resolve("data")).build());
    }

    private void add(long t, double v, String... labels) throws Exception {
        Appender a = store.appender();
        a.append(0, Labels.of(labels), t, v);
        a.commit();
    }

    private ApiServerFixture server() throws Exception {
        Path cfg = dir.resolve("vigil.yml");
        Files.writeString(cfg, "global:\n  external_labels:\n    dc: eu\n    tier: gold\n");
        return new ApiServerFixture(() -> store, "--config.file=" + cfg);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void textAsPrometheusWritesIt() throws Exception {
        long now = System.currentTimeMillis();
        add(now - 60_000, 1, "__name__", "fed_b", "job", "j", "instance", "i:1");
        add(now - 30_000, 2.5e7, "__name__", "fed_b", "job", "j", "instance", "i:1");
        add(now - 20_000, 1e-7, "__name__", "fed_a", "job", "j", "path", "a\"b\\c\nd", "dc", "us");
        add(now - 20_000, 3, "__name__", "fed_a", "job", "j", "path", "x");
        add(now - 20_000, 3, "__name__", "fed_stale", "job", "j");
        add(now - 10_000, Values.STALE_NAN, "__name__", "fed_stale", "job", "j");
        add(now - 400_000, 9, "__name__", "fed_old", "job", "j");
        add(now - 5_000, Double.NaN, "__name__", "other", "job", "j");
        try (ApiServerFixture s = server()) {
            HttpResponse<String> r = s.get("/federate?match[]=" + enc("{__name__=~\"fed_.*\"}") + "&match[]=" + enc("fed_a")
                    + "&match[]=" + enc("other"));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals("""
                    # TYPE fed_a untyped
                    fed_a{dc="us",job="j",path="a\\"b\\\\c\\nd",instance="",tier="gold"} 1e-07 %d
                    fed_a{job="j",path="x",dc="eu",instance="",tier="gold"} 3 %d
                    # TYPE fed_b untyped
                    fed_b{instance="i:1",job="j",dc="eu",tier="gold"} 2.5e+07 %d
                    # TYPE other untyped
                    other{job="j",dc="eu",instance="",tier="gold"} NaN %d
                    """.formatted(now - 20_000, now - 20_000, now - 30_000, now - 5_000), r.body());

            HttpResponse<String> none = s.get("/federate");
            assertEquals(400, none.statusCode());
            assertEquals("no match[] parameter provided\n", none.body());
            HttpResponse<String> bad = s.get("/federate?match[]=" + enc("up{"));
            assertEquals(400, bad.statusCode());
            assertEquals("1:4: parse error: unexpected end of input inside braces\n", bad.body());
            // As in 2.42, a selector whose matchers all match the empty string selects every series.
            HttpResponse<String> all = s.get("/federate?match[]=" + enc("{nothing=\"\"}"));
            assertEquals(4, all.body().lines().filter(l -> !l.startsWith("#")).count(), all.body());
            HttpResponse<String> post = s.postForm("/federate", "match[]=" + enc("fed_b"));
            assertEquals(200, post.statusCode());
            assertEquals(2, post.body().lines().count(), post.body());
        }
    }

    /** Series and samples the real Prometheus holds after federating: labels as shown, samples at their own times. */
    private Map<String, List<String>> prometheusHolds(int port, long at) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + enc("{__name__=~\"fed_.*|other\"}[1h]") + "&time=" + (at / 1000.0))).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, List<String>> out = new TreeMap<>();
        for (JsonNode series : JSON.readTree(r.body()).get("data").get("result")) {
            List<String> samples = new ArrayList<>();
            for (JsonNode p : series.get("values")) {
                samples.add(Math.round(p.get(0).asDouble() * 1000) + " " + p.get(1).asText());
            }
            out.put(series.get("metric").toString(), samples);
        }
        return out;
    }

    private static String metric(String... kv) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return JSON.valueToTree(m).toString();
    }

    @Test
    void realPrometheusFederatesFromVigil() throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "prometheus not installed");
        long now = System.currentTimeMillis();
        add(now - 30_000, 10, "__name__", "fed_requests_total", "job", "flink", "instance", "tm-1:9249");
        add(now - 30_000, 20, "__name__", "fed_requests_total", "job", "flink", "instance", "tm-2:9249");
        add(now - 20_000, 0.25, "__name__", "fed_load", "job", "flink", "tm_id", "a\"b");
        add(now - 20_000, 1, "__name__", "fed_gone", "job", "flink");
        add(now - 10_000, Values.STALE_NAN, "__name__", "fed_gone", "job", "flink");
        add(now - 20_000, 5, "__name__", "other", "job", "flink", "dc", "us");
        add(now - 20_000, 6, "__name__", "not_federated", "job", "flink");
        try (ApiServerFixture s = server()) {
            int port = Processes.freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: federate
                        honor_labels: true
                        metrics_path: /federate
                        params:
                          'match[]': ['{__name__=~"fed_.*"}', 'other']
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(s.server.webAddress().getPort()));
            Process p = Processes.start(List.of(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("prom"),
                    "--web.listen-address=127.0.0.1:" + port), dir.resolve("prometheus.log"), "http://127.0.0.1:" + port + "/-/ready",
                    Duration.ofSeconds(30));
            try {
                Map<String, List<String>> expected = new TreeMap<>();
                expected.put(metric("__name__", "fed_requests_total", "job", "flink", "instance", "tm-1:9249", "dc", "eu", "tier", "gold"),
                        new ArrayList<>(List.of((now - 30_000) + " 10")));
                expected.put(metric("__name__", "fed_requests_total", "job", "flink", "instance", "tm-2:9249", "dc", "eu", "tier", "gold"),
                        new ArrayList<>(List.of((now - 30_000) + " 20")));
                // No instance of its own: federation's instance="" keeps the scraper's from being added.
                expected.put(metric("__name__", "fed_load", "job", "flink", "tm_id", "a\"b", "dc", "eu", "tier", "gold"),
                        new ArrayList<>(List.of((now - 20_000) + " 0.25")));
                expected.put(metric("__name__", "other", "job", "flink", "dc", "us", "tier", "gold"),
                        new ArrayList<>(List.of((now - 20_000) + " 5")));
                awaitEqual(expected, port);
                // A new sample is federated at its own timestamp on the next scrape.
                long later = System.currentTimeMillis();
                add(later, 11.5, "__name__", "fed_requests_total", "job", "flink", "instance", "tm-1:9249");
                expected.get(metric("__name__", "fed_requests_total", "job", "flink", "instance", "tm-1:9249", "dc", "eu", "tier", "gold"))
                        .add(later + " " + GoFloat.format(11.5));
                awaitEqual(expected, port);
            } finally {
                Processes.stop(p);
            }
        }
    }

    private void awaitEqual(Map<String, List<String>> expected, int port) throws Exception {
        Map<String, List<String>> got = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            got = prometheusHolds(port, System.currentTimeMillis());
            if (got.equals(expected)) {
                return;
            }
            Thread.sleep(200);
        }
        assertEquals(expected, got, Files.readString(dir.resolve("prometheus.log")));
    }
}
