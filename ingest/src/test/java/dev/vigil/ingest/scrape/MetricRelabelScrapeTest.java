package dev.vigil.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.ingest.relabel.RelabelConfig;
import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Target and metric relabelling in the scrape path: what is stored, what the report series say, which targets drop. */
class MetricRelabelScrapeTest {
    private HttpServer server;
    private volatile String body = "";
    private final MemoryStorage storage = new MemoryStorage();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private ScrapeJob job(List<RelabelConfig> target, List<RelabelConfig> metric, String... addresses) {
        return new ScrapeJob("node", 15_000, 10_000, "http", "/metrics", Map.of(), false, true, 0, 0, Map.of(),
                List.of(new ScrapeJob.StaticGroup(List.of(addresses), Map.of("__meta_dc", "eu", "env", "prod"))),
                Relabeling.of(target), Relabeling.of(metric));
    }

    private Map<String, List<String>> stored() throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            while (ss.next()) {
                List<String> samples = new ArrayList<>();
                SampleIterator it = ss.at().iterator(null);
                while (it.next()) {
                    samples.add(Values.isStaleNaN(it.v()) ? "stale" : Double.toString(it.v()));
                }
                out.put(ss.at().labels().toString(), samples);
            }
        }
        return out;
    }

    @Test
    void metricRelabellingDropsRenamesAndIsCountedAfterTargetLabels() throws Exception {
        body = "keep_me{device=\"sda\"} 1\ndrop_me 2\ngo_gc 3\n";
        ScrapeJob j = job(List.of(), List.of(
                RelabelConfig.of("drop").withSourceLabels("__name__").withRegex("drop_.*|go_.*"),
                // Target labels are attached before metric relabelling, as in Prometheus.
                RelabelConfig.of("replace").withSourceLabels("env", "device").withSeparator("-").withTargetLabel("where")),
                address());
        ScrapeLoop l = new ScrapeLoop(new ScrapeTarget(j, address(), j.groups().get(0).labels()), storage,
                HttpClient.newHttpClient(), clock::get, "Vigil/test");
        l.scrapeOnce();
        Map<String, List<String>> s = stored();
        String inst = address();
        assertEquals(List.of("1.0"), s.get("keep_me{device=\"sda\", env=\"prod\", instance=\"" + inst
                + "\", job=\"node\", where=\"prod-sda\"}"), s.keySet()::toString);
        assertTrue(s.keySet().stream().noneMatch(k -> k.startsWith("drop_me") || k.startsWith("go_gc")), s.keySet()::toString);
        String labels = "{env=\"prod\", instance=\"" + inst + "\", job=\"node\"}";
        assertEquals(List.of("3.0"), s.get("scrape_samples_scraped" + labels));
        assertEquals(List.of("1.0"), s.get("scrape_samples_post_metric_relabeling" + labels));
        assertEquals(List.of("1.0"), s.get("scrape_series_added" + labels));
        // The dropped series stay dropped on the next scrape, and keep_me goes stale once it is gone.
        body = "drop_me 2\n";
        clock.addAndGet(15_000);
        l.scrapeOnce();
        s = stored();
        assertEquals(List.of("1.0", "stale"), s.get("keep_me{device=\"sda\", env=\"prod\", instance=\"" + inst
                + "\", job=\"node\", where=\"prod-sda\"}"));
        assertEquals(List.of("1.0", "1.0"), s.get("up" + labels));
    }

    @Test
    void aSeriesRelabelledWithoutAMetricNameFailsTheScrape() throws Exception {
        body = "a 1\n";
        ScrapeJob j = job(List.of(), List.of(RelabelConfig.of("labeldrop").withRegex("__name__")), address());
        ScrapeTarget t = new ScrapeTarget(j, address(), j.groups().get(0).labels());
        new ScrapeLoop(t, storage, HttpClient.newHttpClient(), clock::get, "Vigil/test").scrapeOnce();
        assertEquals("missing metric name (__name__ label)", t.state().lastError());
        assertEquals(ScrapeTarget.Health.DOWN, t.state().health());
    }

    @Test
    void targetRelabellingChoosesLabelsUrlAndDropsTargets() throws Exception {
        ScrapeJob j = job(List.of(
                RelabelConfig.of("drop").withSourceLabels("__address__").withRegex(".*:1"),
                RelabelConfig.of("labelmap").withRegex("__meta_(.*)").withReplacement("meta_$1"),
                RelabelConfig.of("replace").withTargetLabel("__metrics_path__").withReplacement("/other"),
                RelabelConfig.of("replace").withTargetLabel("__param_x").withReplacement("y z"),
                RelabelConfig.of("replace").withTargetLabel("__scrape_interval__").withReplacement("30s"),
                RelabelConfig.of("replace").withTargetLabel("__tmp_x").withReplacement("gone")),
                List.of(), address(), "127.0.0.1:1", "nohost");
        Scraper sc = new Scraper(storage, clock::get, "Vigil/test");
        try {
            sc.apply(List.of(j));
            TargetsView v = sc.view();
            assertEquals(1, v.dropped().size());
            assertEquals("127.0.0.1:1", v.dropped().get(0).discoveredLabels().get("__address__"));
            assertEquals("eu", v.dropped().get(0).discoveredLabels().get("__meta_dc"));
            assertEquals(2, v.active().size());
            ScrapeTarget t = v.active().get(0);
            assertEquals(Labels.of("env", "prod", "instance", address(), "job", "node", "meta_dc", "eu"), t.labels());
            assertEquals("http://" + address() + "/other?x=y+z", t.url());
            assertEquals(30_000, t.intervalMs());
            assertTrue(!t.allLabels().has("__meta_dc") && t.allLabels().has("__tmp_x"), t.allLabels()::toString);
            // Prometheus 2.42 adds the scheme's default port to an address without one.
            assertEquals("nohost:80", v.active().get(1).labels().get("instance"));
        } finally {
            sc.close();
        }
    }
}
