package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subqueries that would overflow or exhaust memory get Prometheus's 422 within a second, over
 * HTTP on the production wiring, and {@code --query.max-samples} sets where the line is.
 */
class QueryBudgetApiTest {
    private static final String TOO_MANY = "query processing would load too many samples into memory in query execution";
    private static final Duration QUICK = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private VigilServer start(String... flags) throws Exception {
        String[] all = new String[flags.length + 3];
        all[0] = "--web.listen-address=127.0.0.1:0";
        all[1] = "--push.listen-address=";
        all[2] = "--storage.tsdb.path=" + dir.resolve("data");
        System.arraycopy(flags, 0, all, 3, flags.length);
        var cfg = Flags.parse(all);
        return VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
    }

    private HttpResponse<String> get(VigilServer s, String path, String query, String rest) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + s.webAddress().getPort() + path + "?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8) + rest);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void refusedQuickly(VigilServer s, String path, String query, String rest) throws Exception {
        HttpResponse<String> r = assertTimeoutPreemptively(QUICK, () -> get(s, path, query, rest), query);
        assertEquals(422, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        assertEquals("error", n.path("status").asText());
        assertEquals("execution", n.path("errorType").asText());
        assertEquals(TOO_MANY, n.path("error").asText());
    }

    @Test
    void overflowingSubqueriesAre422WithinASecond() throws Exception {
        VigilServer s = start();
        try {
            // Warm the route, so the second measured below is the query's, not class loading's.
            assertEquals(200, get(s, "/api/v1/query", "1", "&time=1700000000").statusCode());
            for (String q : new String[] {"max_over_time(vector(1)[30d:1ms])", "max_over_time(vector(1)[1000d:1ms])"}) {
                refusedQuickly(s, "/api/v1/query", q, "&time=1700000000");
                refusedQuickly(s, "/api/v1/query_range", q, "&start=1699996400&end=1700000000&step=15");
            }
        } finally {
            s.close();
        }
    }

    @Test
    void theMaxSamplesFlagDrawsTheLine() throws Exception {
        VigilServer s = start("--query.max-samples=1000");
        try {
            HttpResponse<String> ok = get(s, "/api/v1/query", "count_over_time(vector(1)[500s:1s])", "&time=1700000000");
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("501", JSON.readTree(ok.body()).path("data").path("result").get(0).path("value").get(1).asText());
            refusedQuickly(s, "/api/v1/query", "count_over_time(vector(1)[2000s:1s])", "&time=1700000000");
        } finally {
            s.close();
        }
    }
}
