package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vigil.server.push.Processes;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same data in Vigil and in the real Prometheus 2.42 (backfilled with promtool into blocks),
 * the same delete_series and clean_tombstones in both: the same answers, and the same statuses
 * and error bodies for bad requests.
 */
class AdminTsdbDifferentialTest {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    static final long H = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void deleteAndCleanTombstonesAnswerAsPrometheus() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL), "prometheus/promtool not installed");
        long t0 = (System.currentTimeMillis() - 30 * H) / (2 * H) * (2 * H);
        long end = t0 + 8 * H;
        StringBuilder om = new StringBuilder();
        StringBuilder text = new StringBuilder();
        om.append("# TYPE m gauge\n");
        for (String job : new String[] {"a", "b"}) {
            for (int i = 0; i < 3; i++) {
                for (long t = t0; t < end; t += 60_000) {
                    double v = ((t - t0) / 60_000 * 7 + i * 13) % 101 / 4.0;
                    String series = "m{job=\"" + job + "\",i=\"" + i + "\"}";
                    om.append(series).append(' ').append(v).append(' ').append(t / 1000).append('\n');
                    text.append(series).append(' ').append(v).append(' ').append(t).append('\n');
                }
            }
        }
        om.append("# TYPE c counter\n");
        for (int i = 0; i < 2; i++) {
            for (long t = t0; t < end; t += 60_000) {
                long v = (t - t0) / 60_000 * (i + 1) % 500; // resets now and then
                String series = "c_total{job=\"a\",i=\"" + i + "\"}";
                om.append(series).append(' ').append(v).append(' ').append(t / 1000).append('\n');
                text.append(series).append(' ').append(v).append(' ').append(t).append('\n');
            }
        }
        om.append("# EOF\n");
        Path omFile = dir.resolve("data.om");
        Files.writeString(omFile, om);
        Path promData = dir.resolve("prom");
        Process tool = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", omFile.toString(),
                promData.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("promtool.log").toFile()).start();
        assertEquals(0, tool.waitFor(), Files.readString(dir.resolve("promtool.log")));
        int port = Processes.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n");
        Process prom = Processes.start(List.of(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + promData, "--web.listen-address=127.0.0.1:" + port, "--web.enable-admin-api"),
                dir.resolve("prometheus.log"), "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(30));
        String promBase = "http://127.0.0.1:" + port;
        Path data = dir.resolve("vigil");
        try {
            try (LiveVigil v = new LiveVigil(data)) {
                HttpResponse<String> r = v.send("POST", "/api/v1/import/prometheus", text.toString());
                assertEquals(204, r.statusCode(), r.body());
            }
            // Reopened, the store cuts the imported hours into blocks: the deletion meets blocks and head.
            try (LiveVigil v = new LiveVigil(data)) {
                List<String> queries = queries(t0, end);
                Map<String, JsonNode> before = answers(v.base, queries);
                same(answers(promBase, queries), before, "same data before the deletion");

                // Bad requests: the same statuses and bodies.
                for (String bad : List.of("", "match[]=foo{", "match[]=rate(x[5m])", "match[]=up[5m]", "match[]=up%20offset%205m",
                        "match[]=1", "match[]=m&start=abc", "match[]=m&end=x", "match[]=" + enc("{a=~\"(\"}"), "match[]=up&match[]=" + enc("x{"))) {
                    HttpResponse<String> mine = v.send("POST", "/api/v1/admin/tsdb/delete_series", bad);
                    HttpResponse<String> theirs = LiveVigil.send(promBase, "POST", "/api/v1/admin/tsdb/delete_series", bad);
                    assertEquals(theirs.statusCode(), mine.statusCode(), bad);
                    assertEquals(JSON.readTree(theirs.body()), JSON.readTree(mine.body()), bad);
                }

                String delete = "match[]=" + enc("{job=\"a\",i!=\"2\"}") + "&start=" + (t0 + 2 * H + 90_000) / 1000.0
                        + "&end=" + (t0 + 6 * H + 30 * 60_000) / 1000.0;
                for (String base : List.of(v.base, promBase)) {
                    HttpResponse<String> r = LiveVigil.send(base, "PUT", "/api/v1/admin/tsdb/delete_series", delete);
                    assertEquals(204, r.statusCode(), base + ": " + r.body());
                    assertEquals("", r.body());
                }
                // A whole series too (its data only in the range given).
                String deleteAll = "match[]=" + enc("m{job=\"b\",i=\"1\"}");
                for (String base : List.of(v.base, promBase)) {
                    assertEquals(204, LiveVigil.send(base, "POST", "/api/v1/admin/tsdb/delete_series", deleteAll).statusCode());
                }
                Map<String, JsonNode> deleted = answers(v.base, queries);
                assertNotEquals(before, deleted, "the deletion shows at once");
                // Until clean_tombstones, Prometheus's series API still lists a series whose
                // samples in the range are all deleted when a chunk reaches outside the deletion
                // (it drops whole chunks only); Vigil's chunk bounds differ, so that one query is
                // compared after the cleaning only.
                Map<String, JsonNode> promDeleted = answers(promBase, queries);
                promDeleted.remove(innerSeries(t0));
                Map<String, JsonNode> mineDeleted = new LinkedHashMap<>(deleted);
                mineDeleted.remove(innerSeries(t0));
                same(promDeleted, mineDeleted, "after delete_series");

                for (String base : List.of(v.base, promBase)) {
                    HttpResponse<String> r = LiveVigil.send(base, "POST", "/api/v1/admin/tsdb/clean_tombstones", null);
                    assertEquals(204, r.statusCode(), base + ": " + r.body());
                }
                same(answers(promBase, queries), answers(v.base, queries), "after clean_tombstones");
                same(deleted, answers(v.base, queries), "clean_tombstones changes no answer of Vigil's");
            }
            try (LiveVigil v = new LiveVigil(data)) {
                same(answers(promBase, queries(t0, end)), answers(v.base, queries(t0, end)), "after a restart");
            }
        } finally {
            Processes.stop(prom);
        }
    }

    @Test
    void disabledAdminApiAnswers503AsPrometheus() throws Exception {
        try (ApiServerFixture f = new ApiServerFixture(() -> new dev.vigil.tsdb.testing.MemoryStorage())) {
            HttpResponse<String> r = f.postForm("/api/v1/admin/tsdb/delete_series", "match[]=up");
            assertEquals(503, r.statusCode());
            assertEquals(JSON.readTree("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}"),
                    JSON.readTree(r.body()));
        }
    }

    /** The series API over an hour inside the deletion. */
    private static String innerSeries(long t0) {
        return "/api/v1/series?match[]=m&start=" + (t0 + 3 * H) / 1000 + "&end=" + (t0 + 4 * H) / 1000;
    }

    private static List<String> queries(long t0, long end) {
        List<String> out = new ArrayList<>();
        String range = "&start=" + t0 / 1000 + "&end=" + (end + 10 * 60_000) / 1000 + "&step=300";
        for (String q : List.of("m", "sum by (job) (m)", "count_over_time(m[30m])", "rate(c_total[10m])",
                "max_over_time(m{job=\"a\"}[1h])", "count(m)")) {
            out.add("/api/v1/query_range?query=" + enc(q) + range);
        }
        for (long t = t0; t <= end; t += H + 17 * 60_000) {
            out.add("/api/v1/query?query=" + enc("m") + "&time=" + t / 1000);
            out.add("/api/v1/query?query=" + enc("last_over_time(c_total[2h])") + "&time=" + t / 1000);
        }
        out.add("/api/v1/series?match[]=m&start=" + t0 / 1000 + "&end=" + end / 1000);
        out.add(innerSeries(t0));
        return out;
    }

    /** Fails naming the first query whose answers differ, with both answers. */
    static void same(Map<String, JsonNode> want, Map<String, JsonNode> got, String when) {
        for (String q : want.keySet()) {
            String w = String.valueOf(want.get(q));
            String g = String.valueOf(got.get(q));
            if (!w.equals(g)) {
                int at = 0;
                while (at < Math.min(w.length(), g.length()) && w.charAt(at) == g.charAt(at)) {
                    at++;
                }
                int from = Math.max(0, at - 300);
                throw new AssertionError(when + ": " + q + " differs at char " + at + "\n want ..."
                        + w.substring(from, Math.min(w.length(), at + 300)) + "\n got  ..." + g.substring(from, Math.min(g.length(), at + 300)));
            }
        }
        assertEquals(want.keySet(), got.keySet());
    }

    /** The data of each answer, with result lists in a fixed order. */
    static Map<String, JsonNode> answers(String base, List<String> queries) throws Exception {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String q : queries) {
            HttpResponse<String> r = LiveVigil.send(base, "GET", q, null);
            assertEquals(200, r.statusCode(), base + q + ": " + r.body());
            JsonNode data = JSON.readTree(r.body()).get("data");
            JsonNode list = data.has("result") ? data.get("result") : data;
            if (list instanceof ArrayNode a) {
                List<JsonNode> items = new ArrayList<>();
                a.forEach(items::add);
                items.sort((x, y) -> x.path("metric").toString().compareTo(y.path("metric").toString()) != 0
                        ? x.path("metric").toString().compareTo(y.path("metric").toString())
                        : x.toString().compareTo(y.toString()));
                a.removeAll();
                a.addAll(items);
            }
            out.put(q, data);
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
