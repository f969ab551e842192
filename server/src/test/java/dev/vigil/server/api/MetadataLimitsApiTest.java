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
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.testing.ForwardingQuerier;
import dev.vigil.tsdb.testing.ForwardingStorage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata endpoints (series, label names, label values, TSDB status) wait for the same
 * {@code --query.max-concurrency} slots as queries and give up after {@code --query.timeout} (or
 * the request's {@code timeout}) with Prometheus's 503 {@code timeout} envelope. A series answer
 * that runs past its deadline is that envelope while nothing was sent, and cut short after.
 */
class MetadataLimitsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METADATA = List.of(
            "/api/v1/series?match[]=up", "/api/v1/labels", "/api/v1/label/job/values", "/api/v1/status/tsdb");
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<Engine> engine = new AtomicReference<>();
    private final AtomicReference<Storage> real = new AtomicReference<>();
    private final AtomicInteger stallAt = new AtomicInteger();

    @TempDir
    Path dir;

    private ServerConfig config(String... flags) throws Exception {
        String[] all = new String[flags.length + 3];
        all[0] = "--web.listen-address=127.0.0.1:0";
        all[1] = "--push.listen-address=";
        all[2] = "--storage.tsdb.path=" + dir.resolve("data");
        System.arraycopy(flags, 0, all, 3, flags.length);
        return Flags.parse(all);
    }

    private VigilServer start(String... flags) throws Exception {
        ServerConfig cfg = config(flags);
        Wiring w = VigilServer.defaultWiring(cfg);
        return VigilServer.start(cfg, new Wiring(w.openStorage(), st -> {
            Engine e = w.engine().apply(st);
            engine.set(e);
            return e;
        }, w.push()), () -> { });
    }

    /**
     * The real store, behind a querier whose series sets stall once, {@code stallMs} long, after
     * {@link #stallAt} series: a deadline passes while the answer is written, at a point the test knows.
     */
    private VigilServer startStalling(long stallMs) throws Exception {
        ServerConfig cfg = config();
        Wiring w = VigilServer.defaultWiring(cfg);
        Wiring stalling = new Wiring(() -> {
            Storage st = w.openStorage().call();
            real.set(st);
            return new ForwardingStorage(st) {
                @Override
                public Querier querier(long mint, long maxt) {
                    return new ForwardingQuerier(inner.querier(mint, maxt)) {
                        @Override
                        public SeriesSet select(boolean sorted, SelectHints hints, Matcher... ms) {
                            SeriesSet set = inner.select(sorted, hints, ms);
                            return new SeriesSet() {
                                private int n;

                                @Override
                                public boolean next() {
                                    if (++n == stallAt.get()) {
                                        try {
                                            Thread.sleep(stallMs);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    }
                                    return set.next();
                                }

                                @Override
                                public Series at() {
                                    return set.at();
                                }
                            };
                        }
                    };
                }
            };
        }, w.engine(), st -> w.push().apply(real.get()));
        return VigilServer.start(cfg, stalling, () -> { });
    }

    @Test
    void aSeriesAnswerPastItsDeadlineIsAnErrorOrCutShortNeverCompleted() throws Exception {
        VigilServer s = startStalling(700);
        try {
            // ~200 bytes a series in the answer.
            Appender app = real.get().appender();
            long now = System.currentTimeMillis();
            String pad = "x".repeat(150);
            for (int i = 0; i < 12_000; i++) {
                app.append(0, Labels.of("__name__", i < 3_000 ? "mid_stream_small" : "mid_stream_big", "i",
                        String.format("%05d", i), "pad", pad), now, i);
            }
            app.commit();

            // The same stall well inside the deadline: the whole answer.
            stallAt.set(2_000);
            HttpResponse<String> whole = get(s, "/api/v1/series?match[]=mid_stream_small&timeout=30s");
            assertEquals(200, whole.statusCode(), whole.body());
            assertEquals(3_000, JSON.readTree(whole.body()).path("data").size());

            // Past the deadline before any byte went out (answers are held up to 1 MB): the
            // timeout is answered as such.
            HttpResponse<String> late = get(s, "/api/v1/series?match[]=mid_stream_small&timeout=300ms");
            assertEquals(503, late.statusCode(), late.body());
            assertEquals("timeout", JSON.readTree(late.body()).path("errorType").asText(), late.body());

            // Past the deadline after the first megabyte went out with a 200: the client must not
            // get a complete-looking partial list.
            stallAt.set(7_000);
            try {
                HttpResponse<String> r = get(s, "/api/v1/series?match[]=mid_stream_big&timeout=300ms");
                org.junit.jupiter.api.Assertions.fail("a series answer past its deadline came back whole: " + r.statusCode()
                        + ", " + r.body().length() + " chars, " + r.headers().map());
            } catch (IOException expected) {
                // the connection was closed before the body's end
            }
            assertEquals(200, get(s, "/api/v1/labels").statusCode(), "the server answers on");
        } finally {
            s.close();
        }
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
