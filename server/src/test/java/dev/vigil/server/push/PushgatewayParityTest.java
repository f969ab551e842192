package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.testing.References;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same sequence of good and bad pushes sent to the reference gateway binary and to us: same
 * status codes, and the same bodies where the protocol notes call the message exact. Ours is the
 * real server's push port, started with the flags that match the reference's.
 */
class PushgatewayParityTest {
    static final String PROTO_CT = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    /** How much of the answer must match. */
    enum Match { STATUS, BODY, BODY_WITHOUT_COLUMN }

    record Case(String name, String method, String path, byte[] body, Match match, String... headers) {
        static Case of(String name, String method, String path, String body, Match match, String... headers) {
            return new Case(name, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), match, headers);
        }
    }

    @TempDir
    Path dir;

    static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return bo.toByteArray();
    }

    static List<Case> cases() throws Exception {
        List<Case> c = new ArrayList<>();
        c.add(Case.of("put", "PUT", "/metrics/job/a", "x 1\n", Match.BODY));
        c.add(Case.of("post", "POST", "/metrics/job/a", "y 2\n", Match.BODY));
        c.add(Case.of("put empty body", "PUT", "/metrics/job/a", "", Match.BODY));
        c.add(Case.of("delete", "DELETE", "/metrics/job/a", null, Match.BODY));
        c.add(Case.of("delete unknown", "DELETE", "/metrics/job/unknown", null, Match.BODY));
        c.add(Case.of("delete with text content type", "DELETE", "/metrics/job/unknown2", null, Match.BODY,
                "Content-Type", "text/plain; version=0.0.4; charset=utf-8"));
        c.add(Case.of("timestamp", "PUT", "/metrics/job/b", "x 1 123\n", Match.BODY));
        c.add(Case.of("counter", "PUT", "/metrics/job/ta", "# TYPE tm counter\ntm 1\n", Match.BODY));
        c.add(Case.of("type conflict", "PUT", "/metrics/job/tb", "# TYPE tm gauge\ntm 1\n", Match.STATUS));
        c.add(Case.of("duplicate in push", "PUT", "/metrics/job/dup", "d 1\nd 2\n", Match.BODY));
        c.add(Case.of("grouped by instance", "PUT", "/metrics/job/cx/instance/i", "dd 1\n", Match.BODY));
        c.add(Case.of("same series via two groups", "PUT", "/metrics/job/cx", "dd{instance=\"i\"} 1\n", Match.BODY));
        c.add(Case.of("second TYPE", "PUT", "/metrics/job/p", "# TYPE x gauge\n# TYPE x gauge\nx 1\n", Match.BODY_WITHOUT_COLUMN));
        c.add(Case.of("CRLF", "PUT", "/metrics/job/p", "x 1\r\n", Match.BODY_WITHOUT_COLUMN));
        c.add(Case.of("no final newline", "PUT", "/metrics/job/p", "x 1", Match.BODY_WITHOUT_COLUMN));
        c.add(Case.of("bad metric name", "PUT", "/metrics/job/p", "bad-name 1\n", Match.BODY_WITHOUT_COLUMN));
        c.add(Case.of("bad escape", "PUT", "/metrics/job/p", "x{a=\"\\x\"} 1\n", Match.BODY_WITHOUT_COLUMN));
        c.add(new Case("non-UTF-8 label value", "PUT", "/metrics/job/p",
                new byte[] {'x', '{', 'a', '=', '"', (byte) 0xff, (byte) 0xfe, '"', '}', ' ', '1', '\n'}, Match.STATUS));
        c.add(Case.of("odd components", "PUT", "/metrics/job/j/a", "x 1\n", Match.BODY));
        c.add(Case.of("improper label name", "PUT", "/metrics/job/j/1abc/1", "x 1\n", Match.BODY));
        c.add(Case.of("reserved label name", "PUT", "/metrics/job/j/__x/1", "x 1\n", Match.BODY));
        c.add(Case.of("empty job", "PUT", "/metrics/job@base64/=", "x 1\n", Match.BODY));
        c.add(Case.of("base64 job", "PUT", "/metrics/job@base64/Zm9vL2Jhcg", "b64 1\n", Match.BODY));
        c.add(Case.of("base64 empty label value", "PUT", "/metrics/job/e/x@base64/=", "e 1\n", Match.BODY));
        c.add(Case.of("form-encoded value", "PUT", "/metrics/job/f/env/a+b%2Bc%25%C3%BC", "f 1\n", Match.BODY));
        c.add(Case.of("encoded slash splits the path", "PUT", "/metrics/job/k/a%2Fb", "k 1\n", Match.BODY));
        c.add(Case.of("encoded slash makes components odd", "PUT", "/metrics/job/k/x%2Fy/1", "k 1\n", Match.BODY));
        // Which of the two clashing samples the reference quotes depends on its map order: status only.
        c.add(Case.of("POST into another group's series", "POST", "/metrics/job/cx", "dd{instance=\"i\"} 3\n", Match.STATUS));
        c.add(Case.of("repeated label in path", "PUT", "/metrics/job/r/a/1/a/2", "r 1\n", Match.BODY));
        c.add(Case.of("GET on push path", "GET", "/metrics/job/a", null, Match.STATUS));
        c.add(new Case("broken gzip", "PUT", "/metrics/job/g", new byte[] {31, -117, 8, 0, 0}, Match.BODY, "Content-Encoding", "gzip"));
        c.add(new Case("gzip", "PUT", "/metrics/job/g", gzip("gz 1\n"), Match.BODY, "Content-Encoding", "gzip"));
        c.add(new Case("protobuf", "PUT", "/metrics/job/pb", PushApiTest.protobufGauge("pb_g", 2), Match.BODY, "Content-Type", PROTO_CT));
        c.add(new Case("protobuf body without params", "PUT", "/metrics/job/pb2", PushApiTest.protobufGauge("pb_h", 2), Match.STATUS,
                "Content-Type", "application/vnd.google.protobuf"));
        c.add(Case.of("OpenMetrics type, text body", "PUT", "/metrics/job/om", "om 1\n", Match.BODY,
                "Content-Type", "application/openmetrics-text; version=1.0.0"));
        c.add(Case.of("NaN, Inf, trailing comma", "PUT", "/metrics/job/n", "n{a=\"1\",} NaN\nm +Inf\nk 1.5E7\n", Match.BODY));
        c.add(Case.of("summary without _sum", "PUT", "/metrics/job/s",
                "# TYPE lat summary\nlat_count{x=\"1\",} 3.0\nlat{x=\"1\",quantile=\"0.5\",} 1.0\n", Match.BODY));
        c.add(Case.of("push_time_seconds pushed", "PUT", "/metrics/job/pt", "push_time_seconds 5\n", Match.BODY));
        c.add(Case.of("job label in body", "PUT", "/metrics/job/real/foo/urlfoo", "lbl{job=\"other\",instance=\"x\",foo=\"bar\"} 1\n", Match.BODY));
        // Names of the reference's own metrics: another type is refused, the same type accepted.
        c.add(Case.of("own family untyped", "PUT", "/metrics/job/own", "go_goroutines 5\n", Match.BODY));
        c.add(Case.of("own counter as gauge", "PUT", "/metrics/job/own", "# TYPE process_cpu_seconds_total gauge\nprocess_cpu_seconds_total 5\n",
                Match.BODY));
        c.add(Case.of("own gauge as counter", "PUT", "/metrics/job/own", "# TYPE pushgateway_build_info counter\npushgateway_build_info 1\n",
                Match.BODY));
        c.add(Case.of("own summary as histogram", "PUT", "/metrics/job/own",
                "# TYPE go_gc_duration_seconds histogram\ngo_gc_duration_seconds_bucket{le=\"+Inf\"} 1\ngo_gc_duration_seconds_count 1\n"
                        + "go_gc_duration_seconds_sum 1\n", Match.BODY));
        c.add(Case.of("own family same type, other help", "PUT", "/metrics/job/own",
                "# HELP go_goroutines mine\n# TYPE go_goroutines gauge\ngo_goroutines 5\n", Match.BODY));
        c.add(Case.of("own prefix, other name", "PUT", "/metrics/job/own2", "go_foo 1\nprocess_bar 2\n", Match.BODY));
        // Unclean paths are redirected before routing (301, any method); /metrics/job/ gets the router's 307.
        c.add(Case.of("double slash", "PUT", "/metrics/job//a", "x 1\n", Match.BODY));
        c.add(Case.of("double slash, GET", "GET", "/metrics/job//a", null, Match.BODY));
        c.add(Case.of("double slash, DELETE", "DELETE", "/metrics/job/a//b/c", null, Match.BODY));
        c.add(Case.of("double slash before job", "POST", "/metrics//job/a", "x 1\n", Match.BODY));
        c.add(Case.of("dot segment", "PUT", "/metrics/job/a/./b/c", "x 1\n", Match.BODY));
        c.add(Case.of("dot-dot segment", "PUT", "/metrics/job/a/x/../b/c", "x 1\n", Match.BODY));
        c.add(Case.of("trailing dot", "PUT", "/metrics/job/a/.", "x 1\n", Match.BODY));
        c.add(Case.of("encoded slash makes a double slash", "PUT", "/metrics/job/a/b/%2F", "x 1\n", Match.BODY));
        c.add(Case.of("redirect keeps query and escapes", "PUT", "/metrics/job//a%20b%C3%BC?x=1&y=%22", "x 1\n", Match.BODY));
        c.add(Case.of("redirect keeps query, GET", "GET", "/metrics/job//a%20b?x=1&y=%22", null, Match.BODY));
        c.add(Case.of("job path with trailing slash", "PUT", "/metrics/job/", "x 1\n", Match.BODY));
        c.add(Case.of("job path with trailing slash, DELETE", "DELETE", "/metrics/job/?x=1", null, Match.BODY));
        c.add(Case.of("job path with trailing slash, GET", "GET", "/metrics/job/", null, Match.BODY));
        c.add(Case.of("base64 job path with trailing slash", "PUT", "/metrics/job@base64/", "x 1\n", Match.BODY));
        c.add(Case.of("no job segment", "PUT", "/metrics/job", "x 1\n", Match.BODY));
        c.add(Case.of("unknown path under /metrics", "PUT", "/metrics/jobs/a", "x 1\n", Match.BODY));
        c.add(Case.of("trailing slash after job", "PUT", "/metrics/job/ts/", "x 1\n", Match.BODY));
        c.add(Case.of("odd components with trailing slash", "PUT", "/metrics/job/a/b/c/", "x 1\n", Match.BODY));
        c.add(Case.of("invalid base64 label", "PUT", "/metrics/job/a/x@base64/!!", "x 1\n", Match.BODY));
        c.add(Case.of("base64 error offset and partial value", "PUT", "/metrics/job/a/x@base64/YWJjZGVm!", "x 1\n", Match.BODY));
        c.add(Case.of("base64 with one char left over", "PUT", "/metrics/job/a/x@base64/YWJjZ", "x 1\n", Match.BODY));
        c.add(Case.of("base64 padding inside", "PUT", "/metrics/job/a/x@base64/YQ=a", "x 1\n", Match.BODY));
        c.add(Case.of("base64 with encoded line break", "PUT", "/metrics/job/nl/x@base64/Y%0AWJj", "nl 1\n", Match.BODY));
        c.add(Case.of("HEAD on a push path", "HEAD", "/metrics/job/a", null, Match.BODY));
        c.add(Case.of("POST to the JSON API", "POST", "/api/v1/metrics", "", Match.BODY));
        c.add(Case.of("DELETE to the status API", "DELETE", "/api/v1/status", null, Match.BODY));
        c.add(Case.of("OPTIONS on a push path", "OPTIONS", "/metrics/job/a/b/c", null, Match.BODY));
        c.add(Case.of("OPTIONS on the job path with trailing slash", "OPTIONS", "/metrics/job/", null, Match.BODY));
        // A TYPE line without samples holds no family: the same name with another type is fine afterwards.
        c.add(Case.of("TYPE without samples", "PUT", "/metrics/job/nt", "# TYPE nts gauge\nother 1\n", Match.BODY));
        c.add(Case.of("same name, other type, after it", "PUT", "/metrics/job/nt2", "nts 1\n", Match.BODY));
        // Last of its route: the reference's handler for PUT /metrics/job@base64/<job> stays locked after this answer.
        c.add(Case.of("invalid base64 job", "PUT", "/metrics/job@base64/YWJjZGVm!", "x 1\n", Match.BODY));
        // Late: the reference records this refusal as a group whose label then fails every later push's check.
        c.add(Case.of("base64 value not UTF-8", "PUT", "/metrics/job/a/x@base64/_w", "x 1\n", Match.STATUS));
        c.add(Case.of("wipe GET", "GET", "/api/v1/admin/wipe", null, Match.STATUS));
        c.add(Case.of("wipe", "PUT", "/api/v1/admin/wipe", null, Match.BODY));
        return c;
    }

    @Test
    void sameAnswersAsTheReference() throws Exception {
        java.util.TreeSet<Integer> referenceStatuses = new java.util.TreeSet<>();
        assertEquals(List.of(), compare(cases(), List.of("--web.enable-admin-api"), List.of("--web.enable-admin-api"),
                referenceStatuses, null));
        assertEquals(java.util.Set.of(200, 202, 301, 307, 400, 404, 405), referenceStatuses);
    }

    /** With the check off, pushes are answered 202 before they are applied; refusals show only in the group's state. */
    static List<Case> uncheckedCases() {
        List<Case> c = new ArrayList<>();
        c.add(Case.of("put", "PUT", "/metrics/job/a", "x 1\n", Match.BODY));
        c.add(Case.of("post", "POST", "/metrics/job/a", "y 2\n", Match.BODY));
        c.add(Case.of("timestamp", "PUT", "/metrics/job/ts", "x 1 123\n", Match.BODY));
        c.add(Case.of("counter", "PUT", "/metrics/job/ta", "# TYPE tm counter\ntm 1\n", Match.BODY));
        c.add(Case.of("type conflict", "PUT", "/metrics/job/tb", "# TYPE tm gauge\ntm 1\n", Match.BODY));
        c.add(Case.of("duplicate in push", "PUT", "/metrics/job/dup", "d 1\nd 2\n", Match.BODY));
        c.add(Case.of("grouped by instance", "PUT", "/metrics/job/cx/instance/i", "dd 1\n", Match.BODY));
        c.add(Case.of("same series via two groups", "PUT", "/metrics/job/cx", "dd{instance=\"i\"} 1\n", Match.BODY));
        c.add(Case.of("own family untyped", "PUT", "/metrics/job/own", "go_goroutines 5\n", Match.BODY));
        c.add(Case.of("parse error", "PUT", "/metrics/job/p", "bad-name 1\n", Match.BODY_WITHOUT_COLUMN));
        c.add(Case.of("improper label name", "PUT", "/metrics/job/j/1abc/1", "x 1\n", Match.BODY));
        c.add(Case.of("empty job", "PUT", "/metrics/job@base64/=", "x 1\n", Match.BODY));
        c.add(Case.of("delete", "DELETE", "/metrics/job/a", null, Match.BODY));
        return c;
    }

    @Test
    void sameAnswersAsTheReferenceWithoutConsistencyCheck() throws Exception {
        java.util.TreeSet<Integer> referenceStatuses = new java.util.TreeSet<>();
        java.util.Map<String, List<String>> state = new java.util.TreeMap<>();
        assertEquals(List.of(), compare(uncheckedCases(), List.of("--push.disable-consistency-check"),
                List.of("--push.disable-consistency-check"), referenceStatuses, state));
        assertEquals(java.util.Set.of(202, 400), referenceStatuses);
        // Which groups exist and whether their last push counted: the refused timestamped push shows only here.
        assertEquals(state.get("reference"), state.get("ours"));
        assertEquals(true, state.get("ours").stream().anyMatch(g -> g.startsWith("{job=ts} last_push_successful=false")), state.toString());
        assertEquals(true, state.get("ours").stream().anyMatch(g -> g.startsWith("{job=dup} last_push_successful=true")), state.toString());
    }

    /** {@code x=""} in the path is a group of its own, not the group without {@code x}. */
    static List<Case> emptyValueCases() {
        List<Case> c = new ArrayList<>();
        c.add(Case.of("no label", "PUT", "/metrics/job/e", "e1 1\n", Match.BODY));
        c.add(Case.of("base64 empty value", "PUT", "/metrics/job/e/x@base64/=", "e2{x=\"body\"} 1\n", Match.BODY));
        c.add(Case.of("trailing slash, empty value", "PUT", "/metrics/job/e/y/", "e3 1\n", Match.BODY));
        c.add(Case.of("empty and non-empty", "PUT", "/metrics/job/e/x/1/y/", "# TYPE e4 summary\ne4{quantile=\"0.5\"} 1\ne4_count 1\n",
                Match.BODY));
        c.add(Case.of("post to the empty-value group", "POST", "/metrics/job/e/x@base64/=", "e5 1\n", Match.BODY));
        c.add(Case.of("delete one", "DELETE", "/metrics/job/e/y/", null, Match.BODY));
        c.add(Case.of("replace the no-label group only", "PUT", "/metrics/job/e", "e6 1\n", Match.BODY));
        c.add(Case.of("empty value given twice", "PUT", "/metrics/job/f/x/1/x/", "f1 1\n", Match.BODY));
        return c;
    }

    @Test
    void emptyGroupingValueIsAGroupOfItsOwn() throws Exception {
        java.util.Map<String, List<String>> state = new java.util.TreeMap<>();
        assertEquals(List.of(), compare(emptyValueCases(), List.of(), List.of(), new java.util.TreeSet<>(), state));
        assertEquals(state.get("reference"), state.get("ours"));
        assertEquals(4, state.get("ours").size(), state.toString());
    }

    /**
     * Sends every case to a reference started with {@code referenceFlags} and to us started with
     * {@code ourFlags}; returns the differences. When {@code state} is given, also records each
     * side's groups afterwards, once both have applied every push.
     */
    private List<String> compare(List<Case> cases, List<String> referenceFlags, List<String> ourFlags, java.util.Set<Integer> referenceStatuses,
            java.util.Map<String, List<String>> state) throws Exception {
        Path binary = References.require("prometheus-pushgateway");
        int port = Processes.freePort();
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=" + dir.resolve("pg.data")));
        cmd.addAll(referenceFlags);
        Process pg = Processes.start(cmd, dir.resolve("pg.log"), "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(20));
        HttpClient http = HttpClient.newHttpClient();
        List<String> diffs = new ArrayList<>();
        List<String> flags = new ArrayList<>(List.of("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + dir.resolve("vigil")));
        flags.addAll(ourFlags);
        ServerConfig cfg = Flags.parse(flags.toArray(new String[0]));
        try (VigilServer us = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { })) {
            String reference = "http://127.0.0.1:" + port;
            String ours = "http://127.0.0.1:" + us.pushAddress().getPort();
            for (Case c : cases) {
                HttpResponse<String> want = send(http, reference, c);
                HttpResponse<String> got = send(http, ours, c);
                referenceStatuses.add(want.statusCode());
                if (want.statusCode() != got.statusCode()) {
                    diffs.add(c.name + ": status " + got.statusCode() + " (" + got.body().trim() + "), reference " + want.statusCode() + " ("
                            + want.body().trim() + ")");
                    continue;
                }
                String wantLocation = want.headers().firstValue("Location").orElse("");
                String gotLocation = got.headers().firstValue("Location").orElse("");
                String wantAllow = want.headers().firstValue("Allow").orElse("");
                if (!wantAllow.equals(got.headers().firstValue("Allow").orElse(""))) {
                    diffs.add(c.name + ": Allow [" + got.headers().firstValue("Allow").orElse("") + "], reference [" + wantAllow + "]");
                }
                if (!wantLocation.equals(gotLocation)) {
                    diffs.add(c.name + ": Location [" + gotLocation + "], reference [" + wantLocation + "]");
                }
                String w = want.body();
                String g = got.body();
                if (c.match == Match.BODY_WITHOUT_COLUMN) {
                    g = g.replaceFirst(", column \\d+", "");
                }
                if (c.match != Match.STATUS && !w.equals(g)) {
                    diffs.add(c.name + ": body [" + g.trim() + "], reference [" + w.trim() + "]");
                }
            }
            if (state != null) {
                settledStates(http, reference, ours, state);
            }
        } finally {
            Processes.stop(pg);
        }
        return diffs;
    }

    /** A group pushed last to both sides; the reference applies pushes in order, so once it shows, all before it are applied. */
    private static final String SENTINEL = "/metrics/job/parity_sentinel";

    /**
     * Waits until both sides show the sentinel group and agree on every group's state (the
     * reference applies pushes from a queue after answering them), or 10 s pass; then records each
     * side's last state without the sentinel.
     */
    private static void settledStates(HttpClient http, String reference, String ours, java.util.Map<String, List<String>> state)
            throws Exception {
        for (String base : List.of(reference, ours)) {
            HttpResponse<String> r = send(http, base, Case.of("sentinel", "PUT", SENTINEL, "parity_sentinel 1\n", Match.STATUS));
            assertEquals(true, r.statusCode() / 100 == 2, base + ": sentinel push refused: " + r.body());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> want;
        List<String> got;
        do {
            want = groupStates(http, reference);
            got = groupStates(http, ours);
            boolean applied = want.stream().anyMatch(g -> g.contains("job=parity_sentinel"))
                    && got.stream().anyMatch(g -> g.contains("job=parity_sentinel"));
            if (applied && want.equals(got)) {
                break;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        want.removeIf(g -> g.contains("job=parity_sentinel"));
        got.removeIf(g -> g.contains("job=parity_sentinel"));
        state.put("reference", want);
        state.put("ours", got);
    }

    /** Families whose sample values are the time of a push, which differs between the two sides by how long a request takes. */
    private static final java.util.Set<String> PUSH_TIMES = java.util.Set.of("push_time_seconds", "push_failure_time_seconds");
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * Each group as "{labels} last_push_successful=bool families series", sorted; every family with
     * its type and help, every series with its labels and values (value, or count, sum, quantiles,
     * buckets). Left out, as they are wall-clock times of the push that legitimately differ: each
     * family's {@code time_stamp} and the values of {@code push_time_seconds} and
     * {@code push_failure_time_seconds} (their presence and labels are still compared).
     */
    static List<String> groupStates(HttpClient http, String base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonNode data = JSON.readTree(body).get("data");
        List<String> out = new ArrayList<>();
        for (JsonNode g : data) {
            java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
            g.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            java.util.TreeSet<String> families = new java.util.TreeSet<>();
            g.fieldNames().forEachRemaining(families::add);
            families.remove("labels");
            families.remove("last_push_successful");
            java.util.TreeSet<String> series = new java.util.TreeSet<>();
            for (String f : families) {
                JsonNode family = g.get(f);
                series.add(f + " type=" + family.path("type").asText() + " help=" + family.path("help").asText());
                for (JsonNode m : family.get("metrics")) {
                    ObjectNode shown = m.deepCopy();
                    if (PUSH_TIMES.contains(f)) {
                        shown.remove("value");
                    }
                    series.add(f + JSON.writeValueAsString(JSON.convertValue(shown, Object.class)));
                }
            }
            out.add(labels + " last_push_successful=" + g.get("last_push_successful").asBoolean() + " " + families + " " + series);
        }
        java.util.Collections.sort(out);
        return out;
    }

    static HttpResponse<String> send(HttpClient http, String base, Case c) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + c.path))
                .method(c.method, c.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body));
        if (c.headers.length > 0) {
            b.headers(c.headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
