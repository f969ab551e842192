package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays the requests Grafana's Prometheus datasource sends (backend client, resource proxy,
 * health check) and checks every field and type of the answers against Prometheus 2.42's.
 */
class GrafanaContractTest {
    static final long T0 = 1_700_000_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();
    static ApiServerFixture api;

    @BeforeAll
    static void start() throws Exception {
        MemoryStorage store = new MemoryStorage();
        Appender a = store.appender();
        for (int i = 0; i <= 40; i++) {
            long t = T0 + i * 15_000L;
            a.append(0, Labels.of("__name__", "up", "job", "flink", "instance", "tm-2"), t, 1);
            a.append(0, Labels.of("__name__", "up", "job", "flink", "instance", "tm-1"), t, i % 2);
            a.append(0, Labels.of("__name__", "flink_taskmanager_Status_JVM_CPU_Load", "job", "flink", "host", "h1"), t,
                    0.1 + i / 1000.0);
        }
        a.metadata("up", new Metadata("gauge", "1 if the target is up.", ""));
        a.metadata("flink_taskmanager_Status_JVM_CPU_Load", new Metadata("gauge", "CPU load.", ""));
        a.commit();
        api = new ApiServerFixture(() -> store);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode n = JSON.readTree(r.body());
        assertEquals("success", n.get("status").asText());
        assertFalse(n.has("error"));
        assertFalse(n.has("errorType"));
        return n.get("data");
    }

    static void error(HttpResponse<String> r, int code, String type, String message) throws Exception {
        assertEquals(code, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        assertEquals("error", n.get("status").asText());
        assertEquals(type, n.get("errorType").asText());
        if (message != null) {
            assertEquals(message, n.get("error").asText());
        }
        assertFalse(n.has("data"));
    }

    @Test
    void healthCheckIsAScalarAtTimeFour() throws Exception {
        // pkg/promlib/healthcheck.go: instant query 1+1 at the end of a 1 s..4 s range, POST form.
        HttpResponse<String> r = api.postForm("/api/v1/query", "query=1%2B1&time=4");
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}", r.body());
    }

    @Test
    void rangeQueryPostFormWithFloatSecondsAndTimeout() throws Exception {
        String body = "query=up&start=" + (T0 / 1000) + "&end=" + (T0 / 1000 + 300) + "&step=15&timeout=60s";
        JsonNode d = ok(api.postForm("/api/v1/query_range", body));
        assertEquals("matrix", d.get("resultType").asText());
        JsonNode res = d.get("result");
        assertEquals(2, res.size());
        // sorted by labels: instance tm-1 before tm-2
        assertEquals("tm-1", res.get(0).get("metric").get("instance").asText());
        assertEquals("tm-2", res.get(1).get("metric").get("instance").asText());
        assertEquals("up", res.get(0).get("metric").get("__name__").asText());
        JsonNode values = res.get(1).get("values");
        assertEquals(21, values.size());
        for (int i = 0; i < values.size(); i++) {
            JsonNode p = values.get(i);
            assertTrue(p.get(0).isNumber(), "timestamp must be a JSON number");
            assertTrue(p.get(1).isTextual(), "value must be a JSON string");
            assertEquals(T0 / 1000 + 15 * i, p.get(0).asLong());
            assertEquals("1", p.get(1).asText());
        }
    }

    @Test
    void fractionalStartAndStepGiveMillisecondTimestamps() throws Exception {
        String body = "query=1&start=" + (T0 / 1000) + ".5&end=" + (T0 / 1000 + 2) + "&step=0.5";
        HttpResponse<String> r = api.postForm("/api/v1/query_range", body);
        JsonNode d = ok(r);
        assertTrue(r.body().contains("[" + (T0 / 1000) + ".500,\"1\"],[" + (T0 / 1000 + 1) + ",\"1\"]"), r.body());
        JsonNode series = d.get("result").get(0);
        assertEquals(0, series.get("metric").size());
        assertEquals(4, series.get("values").size());
    }

    @Test
    void postWithUrlParamsAndEmptyBody() throws Exception {
        // The resource proxy re-sends a browser GET as POST keeping the query string.
        JsonNode d = ok(api.postForm("/api/v1/query?query=up&time=" + (T0 / 1000 + 60), ""));
        assertEquals("vector", d.get("resultType").asText());
        assertEquals(2, d.get("result").size());
        JsonNode s = d.get("result").get(0);
        assertTrue(s.get("value").get(0).isNumber());
        assertEquals(T0 / 1000 + 60, s.get("value").get(0).asLong());
        assertEquals("0", s.get("value").get(1).asText());
    }

    @Test
    void bodyWinsOverUrl() throws Exception {
        JsonNode d = ok(api.postForm("/api/v1/query?query=1&time=4", "time=5"));
        assertEquals("[5,\"1\"]", d.get("result").toString());
    }

    @Test
    void scalarsAndStringsUse242sEncoding() throws Exception {
        assertEquals("{\"resultType\":\"scalar\",\"result\":[1.5,\"1000000000000000000000\"]}",
                ok(api.get("/api/v1/query?query=1e21&time=1.5")).toString());
        assertEquals("{\"resultType\":\"string\",\"result\":[1.5,\"hi\"]}",
                ok(api.get("/api/v1/query?query=%22hi%22&time=1.5")).toString());
    }

    @Test
    void corsLetsBrowsersReadTheApi() throws Exception {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base + "/api/v1/labels"))
                        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "http://grafana.example:3000").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        // Prometheus's default --web.cors.origin='.*' answers '*', not the origin echoed.
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertEquals("GET, POST, OPTIONS", r.headers().firstValue("Access-Control-Allow-Methods").orElse(""));
    }

    @Test
    void gzipWhenAsked() throws Exception {
        // Go's HTTP client (Grafana's backend) asks for gzip on every request.
        HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base + "/api/v1/query"))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept-Encoding", "gzip")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("query=1%2B1&time=4")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
        String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}", body);
    }

    @Test
    void plusInFormBodyIsASpace() throws Exception {
        HttpResponse<String> r = api.postForm("/api/v1/query", "query=1+1&time=4");
        assertEquals(400, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().startsWith("invalid parameter \"query\": "), r.body());
    }

    @Test
    void labelValuesAsTheMetricBrowserAsks() throws Exception {
        String q = "?start=" + (T0 / 1000) + "&end=" + (T0 / 1000 + 600) + "&limit=40000&match[]=" + enc("{job=\"flink\"}");
        JsonNode d = ok(api.get("/api/v1/label/__name__/values" + q));
        assertEquals("[\"flink_taskmanager_Status_JVM_CPU_Load\",\"up\"]", d.toString());
        assertEquals("[\"tm-1\",\"tm-2\"]", ok(api.get("/api/v1/label/instance/values" + q)).toString());
        assertEquals("[]", ok(api.get("/api/v1/label/nonexistent/values")).toString());
        // a range with no data
        assertEquals("[]", ok(api.get("/api/v1/label/job/values?start=4&end=5")).toString());
        error(api.get("/api/v1/label/1bad/values"), 400, "bad_data", "invalid label name: \"1bad\"");
    }

    @Test
    void labelValuesLimitTruncatesWithWarning() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/label/instance/values?limit=1");
        JsonNode n = JSON.readTree(r.body());
        assertEquals("[\"tm-1\"]", n.get("data").toString());
        assertEquals("[\"results truncated due to limit\"]", n.get("warnings").toString());
        error(api.get("/api/v1/label/instance/values?limit=-1"), 400, "bad_data", null);
    }

    @Test
    void labelsPost() throws Exception {
        JsonNode d = ok(api.postForm("/api/v1/labels", "start=" + (T0 / 1000) + "&end=" + (T0 / 1000 + 600) + "&limit=40000"));
        assertEquals("[\"__name__\",\"host\",\"instance\",\"job\"]", d.toString());
        JsonNode m = ok(api.postForm("/api/v1/labels", "match[]=" + enc("{__name__=~\".*CPU.*\"}")));
        assertEquals("[\"__name__\",\"host\",\"job\"]", m.toString());
    }

    @Test
    void seriesPost() throws Exception {
        JsonNode d = ok(api.postForm("/api/v1/series", "match[]=up&start=" + (T0 / 1000) + "&end=" + (T0 / 1000 + 600)));
        assertEquals(2, d.size());
        assertEquals("{\"__name__\":\"up\",\"instance\":\"tm-1\",\"job\":\"flink\"}", d.get(0).toString());
        JsonNode two = ok(api.postForm("/api/v1/series", "match[]=up&match[]=" + enc("{host=\"h1\"}")));
        assertEquals(3, two.size());
        assertEquals("[]", ok(api.get("/api/v1/series?match[]=nothing_here")).toString());
        error(api.postForm("/api/v1/series", "start=1"), 400, "bad_data", "no match[] parameter provided");
        error(api.get("/api/v1/series?match[]=" + enc("{job=\"\"}")), 400, "bad_data", null);
    }

    @Test
    void metadata() throws Exception {
        JsonNode d = ok(api.get("/api/v1/metadata"));
        List<String> names = new ArrayList<>();
        d.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("flink_taskmanager_Status_JVM_CPU_Load", "up"), names);
        JsonNode up = d.get("up").get(0);
        assertEquals("gauge", up.get("type").asText());
        assertEquals("1 if the target is up.", up.get("help").asText());
        assertEquals("", up.get("unit").asText());
        assertEquals("{}", ok(api.get("/api/v1/metadata?metric=unknown")).toString());
        assertEquals(1, ok(api.get("/api/v1/metadata?limit=1")).size());
        error(api.get("/api/v1/metadata?limit=x"), 400, "bad_data", "limit must be a number");
    }

    @Test
    void buildInfoIsSemverWithoutFeatures() throws Exception {
        JsonNode d = ok(api.get("/api/v1/status/buildinfo"));
        assertEquals("2.42.0", d.get("version").asText());
        assertFalse(d.has("features"));
        for (String f : new String[] {"revision", "branch", "buildUser", "buildDate", "goVersion"}) {
            assertTrue(d.get(f).isTextual(), f);
        }
    }

    @Test
    void rulesAlertsTargetsAreEmpty() throws Exception {
        assertEquals("{\"groups\":[]}", ok(api.get("/api/v1/rules")).toString());
        assertEquals("{\"alerts\":[]}", ok(api.get("/api/v1/alerts")).toString());
        assertEquals("{\"activeTargets\":[],\"droppedTargets\":[]}", ok(api.get("/api/v1/targets")).toString());
        error(api.get("/api/v1/rules?type=foo"), 400, "bad_data", "not supported value \"foo\"");
    }

    @Test
    void exemplarProbeWithMillisecondTimes() throws Exception {
        // datasource.ts areExemplarsAvailable: start/end in ms, via the resource proxy (POST, URL params).
        HttpResponse<String> r = api.postForm("/api/v1/query_exemplars?query=test&start=" + T0 + "&end=" + (T0 + 3_600_000), "");
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"success\",\"data\":[]}", r.body());
    }

    @Test
    void postToGetOnlyEndpointsIs405NotFound() throws Exception {
        for (String p : new String[] {"/api/v1/label/__name__/values", "/api/v1/metadata", "/api/v1/rules", "/api/v1/alerts",
                "/api/v1/status/buildinfo", "/api/v1/targets", "/api/v1/status/tsdb"}) {
            HttpResponse<String> r = api.postForm(p, "");
            assertEquals(405, r.statusCode(), p);
            assertEquals("Method Not Allowed\n", r.body(), p);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), p);
        }
        HttpResponse<String> nf = api.get("/api/v1/nope");
        assertEquals(404, nf.statusCode());
        assertEquals("404 page not found\n", nf.body());
    }

    @Test
    void parameterErrorsHavePrometheusMessages() throws Exception {
        error(api.postForm("/api/v1/query", "query=1&time=abc"), 400, "bad_data",
                "invalid parameter \"time\": Invalid time value for 'time': cannot parse \"abc\" to a valid timestamp");
        error(api.postForm("/api/v1/query_range", "query=1&start=10&end=20"), 400, "bad_data",
                "invalid parameter \"step\": cannot parse \"\" to a valid duration");
        error(api.postForm("/api/v1/query_range", "query=1&end=20&step=1"), 400, "bad_data",
                "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
        error(api.postForm("/api/v1/query_range", "query=1&start=20&end=10&step=1"), 400, "bad_data",
                "invalid parameter \"end\": end timestamp must not be before start time");
        error(api.postForm("/api/v1/query_range", "query=1&start=0&end=10&step=0"), 400, "bad_data",
                "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
        error(api.postForm("/api/v1/query_range", "query=1&start=0&end=11001&step=1"), 400, "bad_data",
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        error(api.postForm("/api/v1/query_range", "query=1&start=0&end=10&step=1&timeout=1ns"), 400, "bad_data",
                "invalid parameter \"timeout\": cannot parse \"1ns\" to a valid duration");
        // exactly 11,000 steps (11,001 points) is accepted
        JsonNode d = ok(api.postForm("/api/v1/query_range", "query=1&start=0&end=11000&step=1"));
        assertEquals(11_001, d.get("result").get(0).get("values").size());
        HttpResponse<String> empty = api.postForm("/api/v1/query", "query=");
        error(empty, 400, "bad_data", null);
        assertTrue(JSON.readTree(empty.body()).get("error").asText().startsWith("invalid parameter \"query\": 1:1: parse error"));
    }

    @Test
    void rfc3339AndDurationStep() throws Exception {
        JsonNode d = ok(api.get("/api/v1/query_range?query=1&start=" + enc("2023-11-14T22:13:20Z") + "&end="
                + enc("2023-11-14T22:15:20.000+00:00") + "&step=1m"));
        JsonNode values = d.get("result").get(0).get("values");
        assertEquals(3, values.size());
        assertEquals(1_700_000_000L, values.get(0).get(0).asLong());
    }

    @Test
    void tsdbStatusHasTheTopLists() throws Exception {
        JsonNode d = ok(api.get("/api/v1/status/tsdb"));
        assertEquals(3, d.get("headStats").get("numSeries").asLong());
        JsonNode byName = d.get("seriesCountByMetricName");
        assertEquals("up", byName.get(0).get("name").asText());
        assertEquals(2, byName.get(0).get("value").asLong());
        assertTrue(d.get("labelValueCountByLabelName").isArray());
        assertTrue(d.get("memoryInBytesByLabelName").isArray());
        assertEquals("job=flink", d.get("seriesCountByLabelValuePair").get(0).get("name").asText());
    }

    @Test
    void flagsAndRuntimeInfo() throws Exception {
        JsonNode f = ok(api.get("/api/v1/status/flags"));
        assertEquals("5m", f.get("query.lookback-delta").asText());
        assertEquals("180d", ok(api.get("/api/v1/status/runtimeinfo")).get("storageRetention").asText());
    }

    @Test
    void adminApiIsOff() throws Exception {
        error(api.postForm("/api/v1/admin/tsdb/snapshot", ""), 503, "unavailable", "admin APIs disabled");
    }
}
