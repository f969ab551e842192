package dev.vigil.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScrapeLoopTest {
    private HttpServer server;
    private volatile int status = 200;
    private volatile String body = "";
    private volatile String contentType = "text/plain; version=0.0.4";
    private volatile boolean gzip;
    private volatile String selfHeader;
    private volatile String lastAccept;
    private final MemoryStorage storage = new MemoryStorage();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", ex -> {
            lastAccept = ex.getRequestHeaders().getFirst("Accept");
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            if (gzip) {
                ByteArrayOutputStream bo = new ByteArrayOutputStream();
                try (GZIPOutputStream z = new GZIPOutputStream(bo)) {
                    z.write(b);
                }
                b = bo.toByteArray();
                ex.getResponseHeaders().add("Content-Encoding", "gzip");
            }
            ex.getResponseHeaders().add("Content-Type", contentType);
            if (selfHeader != null) {
                ex.getResponseHeaders().add(SelfScrape.HEADER, selfHeader);
            }
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
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

    private ScrapeJob job(boolean honorLabels, boolean honorTimestamps, long sampleLimit, Map<String, String> groupLabels) {
        return new ScrapeJob("node", 15_000, 10_000, "http", "/metrics", Map.of(), honorLabels, honorTimestamps, sampleLimit,
                0, Map.of(), List.of(new ScrapeJob.StaticGroup(List.of(address()), groupLabels)));
    }

    private ScrapeLoop loop(ScrapeJob job) {
        ScrapeTarget t = new ScrapeTarget(job, address(), job.groups().get(0).labels());
        return new ScrapeLoop(t, storage, http, clock::get, "Vigil/test");
    }

    /** Every stored series with its samples, as "labels -> [t=v, ...]". */
    private Map<String, List<String>> stored(Matcher... m) throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, m.length == 0 ? new Matcher[] {Matcher.of(Matcher.Type.RE, "__name__", ".+")} : m);
            while (ss.next()) {
                Series s = ss.at();
                List<String> samples = new ArrayList<>();
                SampleIterator it = s.iterator(null);
                while (it.next()) {
                    double v = it.v();
                    samples.add(it.t() + "=" + (Values.isStaleNaN(v) ? "stale" : Double.toString(v)));
                }
                out.put(s.labels().toString(), samples);
            }
        }
        return out;
    }

    private List<String> of(String name) throws IOException {
        List<String> all = new ArrayList<>();
        stored(Matcher.eq("__name__", name)).values().forEach(all::addAll);
        return all;
    }

    @Test
    void storesSamplesWithTargetLabelsAndReportSeries() throws Exception {
        body = "# HELP a Help\\\\ of a.\n# TYPE a gauge\na{x=\"1\"} 1\nb 2.5\nc_total 3 \n";
        ScrapeLoop l = loop(job(false, true, 0, Map.of("env", "prod", "empty", "")));
        l.scrapeOnce();
        Map<String, List<String>> s = stored();
        String inst = address();
        assertEquals(List.of("1000000=1.0"), s.get("a{env=\"prod\", instance=\"" + inst + "\", job=\"node\", x=\"1\"}"));
        assertEquals(List.of("1000000=2.5"), s.get("b{env=\"prod\", instance=\"" + inst + "\", job=\"node\"}"));
        assertEquals(List.of("1000000=1.0"), of("up"));
        assertEquals(List.of("1000000=3.0"), of("scrape_samples_scraped"));
        assertEquals(List.of("1000000=3.0"), of("scrape_samples_post_metric_relabeling"));
        assertEquals(List.of("1000000=3.0"), of("scrape_series_added"));
        assertEquals(1, of("scrape_duration_seconds").size());
        assertEquals(new Metadata("gauge", "Help\\ of a.", ""), storage.metadata().get("a"));
        assertTrue(lastAccept.startsWith("application/openmetrics-text;version=1.0.0"), lastAccept);
        assertEquals(ScrapeTarget.Health.UP, l.target().state().health());
        assertEquals(1_000_000, l.target().state().lastScrapeMs());
        // The second scrape adds no series.
        clock.set(1_015_000);
        l.scrapeOnce();
        assertEquals(List.of("1000000=3.0", "1015000=0.0"), of("scrape_series_added"));
    }

    @Test
    void seriesThatDisappearAndFailedScrapesGetStalenessMarkers() throws Exception {
        body = "a 1\nb 2\n";
        ScrapeLoop l = loop(job(false, true, 0, Map.of()));
        l.scrapeOnce();
        clock.set(1_015_000);
        body = "a 1\n";
        l.scrapeOnce();
        assertEquals(List.of("1000000=2.0", "1015000=stale"), of("b"));
        clock.set(1_030_000);
        status = 500;
        l.scrapeOnce();
        assertEquals(List.of("1000000=1.0", "1015000=1.0", "1030000=stale"), of("a"));
        assertEquals(List.of("1000000=1.0", "1015000=1.0", "1030000=0.0"), of("up"));
        assertEquals("server returned HTTP status 500 Internal Server Error", l.target().state().lastError());
        assertEquals(ScrapeTarget.Health.DOWN, l.target().state().health());
        // Back up: the series start again, nothing is written twice.
        clock.set(1_045_000);
        status = 200;
        l.scrapeOnce();
        assertEquals(List.of("1000000=1.0", "1015000=1.0", "1030000=stale", "1045000=1.0"), of("a"));
        assertEquals("", l.target().state().lastError());
    }

    @Test
    void aSelfScrapeRecognisedAfterAFailedScrapeEndsWhatTheFailureReported() throws Exception {
        body = "a 1\n";
        ScrapeJob j = job(false, true, 0, Map.of());
        ScrapeLoop l = new ScrapeLoop(new ScrapeTarget(j, address(), Map.of()), storage, http, clock::get, "Vigil/test", "me");
        status = 500; // the push port not answering yet, as a timeout at start would
        l.scrapeOnce();
        assertEquals(List.of("1000000=0.0"), of("up"));
        status = 200;
        selfHeader = "me";
        clock.set(1_015_000);
        l.scrapeOnce();
        assertEquals(List.of("1000000=0.0", "1015000=stale"), of("up"));
        assertEquals(List.of(), of("a"));
        assertEquals(SelfScrape.MESSAGE, l.target().state().lastError());
        clock.set(1_030_000);
        l.scrapeOnce();
        assertEquals(List.of("1000000=0.0", "1015000=stale"), of("up"), "nothing after it is known");
    }

    @Test
    void clashingLabelsAreExportedUnlessHonorLabels() throws Exception {
        body = "a{job=\"inner\",instance=\"\"} 1\n";
        loop(job(false, true, 0, Map.of())).scrapeOnce();
        assertEquals(List.of("a{exported_job=\"inner\", instance=\"" + address() + "\", job=\"node\"}"),
                new ArrayList<>(stored(Matcher.eq("__name__", "a")).keySet()));
        MemoryStorage other = new MemoryStorage();
        ScrapeJob j = job(true, true, 0, Map.of());
        new ScrapeLoop(new ScrapeTarget(j, address(), Map.of()), other, http, clock::get, "Vigil/test").scrapeOnce();
        try (Querier q = other.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.eq("__name__", "a"));
            assertTrue(ss.next());
            // With honor_labels an empty scraped label still wins: instance="" keeps the target's away.
            assertEquals("a{job=\"inner\"}", ss.at().labels().toString());
        }
    }

    @Test
    void sampleLimitFailsTheScrapeAndStoresNothing() throws Exception {
        body = "a 1\nb 2\nc 3\n";
        ScrapeLoop l = loop(job(false, true, 2, Map.of()));
        l.scrapeOnce();
        assertEquals(List.of(), of("a"));
        assertEquals(List.of("1000000=0.0"), of("up"));
        assertEquals("sample limit exceeded", l.target().state().lastError());
    }

    @Test
    void explicitTimestampsAreHonouredOrReplaced() throws Exception {
        body = "a 1 999000\n";
        loop(job(false, true, 0, Map.of())).scrapeOnce();
        assertEquals(List.of("999000=1.0"), of("a"));
        MemoryStorage other = new MemoryStorage();
        ScrapeJob j = job(false, false, 0, Map.of());
        new ScrapeLoop(new ScrapeTarget(j, address(), Map.of()), other, http, clock::get, "Vigil/test").scrapeOnce();
        try (Querier q = other.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.eq("__name__", "a"));
            assertTrue(ss.next());
            SampleIterator it = ss.at().iterator(null);
            assertTrue(it.next());
            assertEquals(1_000_000, it.t());
        }
    }

    @Test
    void aBodyThatDoesNotParseIsAFailedScrapeNamingTheLine() throws Exception {
        body = "a 1\nb{x=\"1} 2\n";
        ScrapeLoop l = loop(job(false, true, 0, Map.of()));
        l.scrapeOnce();
        assertEquals(List.of(), of("a"));
        assertEquals(List.of("1000000=0.0"), of("up"));
        assertTrue(l.target().state().lastError().contains("line 2"), l.target().state().lastError());
    }

    @Test
    void gzipAndOpenMetricsBodies() throws Exception {
        gzip = true;
        contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        body = "# TYPE a counter\n# HELP a Things.\na_total 7\n# EOF\n";
        loop(job(false, true, 0, Map.of())).scrapeOnce();
        assertEquals(List.of("1000000=7.0"), of("a_total"));
        assertEquals(new Metadata("counter", "Things.", ""), storage.metadata().get("a"));
    }

    @Test
    void anUnreachableTargetIsDown() throws Exception {
        ScrapeJob j = new ScrapeJob("gone", 15_000, 1_000, "http", "/metrics", Map.of(), false, true, 0, 0, Map.of(),
                List.of(new ScrapeJob.StaticGroup(List.of("127.0.0.1:1"), Map.of())));
        ScrapeLoop l = new ScrapeLoop(new ScrapeTarget(j, "127.0.0.1:1", Map.of()), storage, http, clock::get, "Vigil/test");
        l.scrapeOnce();
        assertEquals(List.of("1000000=0.0"), of("up"));
        assertTrue(l.target().state().lastError().contains("connection refused"), l.target().state().lastError());
    }

    @Test
    void aTargetRemovedByANewConfigurationGoesStale() throws Exception {
        body = "a 1\n";
        try (Scraper sc = new Scraper(storage, clock::get, "Vigil/test")) {
            ScrapeJob j = job(false, true, 0, Map.of());
            sc.apply(List.of(j));
            assertEquals(1, sc.targets().size());
            ScrapeTarget t = sc.targets().get(0);
            assertEquals("http://" + address() + "/metrics", t.url());
            // Force one scrape now rather than waiting for the schedule's offset.
            sc.scrapeNow();
            clock.set(1_010_000);
            sc.apply(List.of());
            assertEquals(List.of(), sc.targets());
        }
        assertEquals(List.of("1000000=1.0", "1010000=stale"), of("a"));
        assertEquals(List.of("1000000=1.0", "1010000=stale"), of("up"));
    }
}
