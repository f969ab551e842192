package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.query.Engine;
import dev.vigil.query.QueryGate;
import dev.vigil.server.VigilServer;
import dev.vigil.server.Wiring;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata endpoints (series, label names, label values, TSDB status) wait for the same
 * {@code --query.max-concurrency} slots as queries and give up after {@code --query.timeout} (or
 * the request's {@code timeout}) with Prometheus's 503 {@code timeout} envelope.
 */
class MetadataLimitsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METADATA = List.of(
            "/api/v1/series?match[]=up", "/api/v1/labels", "/api/v1/label/job/values", "/api/v1/status/tsdb");
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<Engine> engine = new AtomicReference<>();

    @TempDir
    Path dir;

    private VigilServer start(String... flags) throws Exception {
        String[] all = new String[flags.length + 3];
        all[0] = "--web.listen-address=127.0.0.1:0";
        all[1] = "--push.listen-address=";
        all[2] = "--storage.tsdb.path=" + dir.resolve("data");
        System.arraycopy(flags, 0, all, 3, flags.length);
        ServerConfig cfg = Flags.parse(all);
        Wiring w = VigilServer.defaultWiring(cfg);
        return VigilServer.start(cfg, new Wiring(w.openStorage(), st -> {
            Engine e = w.engine().apply(st);
            engine.set(e);
            return e;
        }, w.push()), () -> { });
    }

    private HttpResponse<String> get(VigilServer s, String pathAndQuery) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + s.webAddress().getPort() + pathAndQuery.replace("[]", "%5B%5D"));
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void timedOutInQueue(HttpResponse<String> r, String what) throws Exception {
        assertEquals(503, r.statusCode(), what + ": " + r.body());
        JsonNode n = JSON.readTree(r.body());
        assertEquals("error", n.path("status").asText(), what);
        assertEquals("timeout", n.path("errorType").asText(), what);
        assertEquals("query timed out in query queue", n.path("error").asText(), what);
    }

    @Test
    void metadataWaitsForAQuerySlotAndTimesOutInTheQueue() throws Exception {
        VigilServer s = start("--query.max-concurrency=1", "--query.timeout=2m");
        try {
            for (String p : METADATA) {
                assertEquals(200, get(s, p).statusCode(), p + " answers while a slot is free");
            }
            // Every slot taken, as by a long query: each endpoint waits its timeout out in the queue.
            try (QueryGate.Admission held = engine.get().gate().enter(0)) {
                for (String p : METADATA) {
                    timedOutInQueue(get(s, p + (p.contains("?") ? "&" : "?") + "timeout=200ms"), p);
                }
                timedOutInQueue(get(s, "/api/v1/query?query=1&timeout=200ms"), "a query, in the same queue");
            }
            for (String p : METADATA) {
                assertEquals(200, get(s, p).statusCode(), p + " answers once the slot is free again");
            }
        } finally {
            s.close();
        }
    }

    @Test
    void theQueryTimeoutFlagBoundsTheWait() throws Exception {
        VigilServer s = start("--query.max-concurrency=1", "--query.timeout=300ms");
        try {
            try (QueryGate.Admission held = engine.get().gate().enter(0)) {
                for (String p : METADATA) {
                    // No timeout parameter, and a longer one is capped: the flag decides.
                    timedOutInQueue(get(s, p), p);
                    timedOutInQueue(get(s, p + (p.contains("?") ? "&" : "?") + "timeout=1h"), p);
                }
            }
        } finally {
            s.close();
        }
    }

    @Test
    void aBadTimeoutParameterIsBadData() throws Exception {
        VigilServer s = start();
        try {
            for (String p : METADATA) {
                HttpResponse<String> r = get(s, p + (p.contains("?") ? "&" : "?") + "timeout=soon");
                assertEquals(400, r.statusCode(), p + ": " + r.body());
                assertTrue(JSON.readTree(r.body()).path("error").asText().contains("timeout"), r.body());
            }
        } finally {
            s.close();
        }
    }
}
