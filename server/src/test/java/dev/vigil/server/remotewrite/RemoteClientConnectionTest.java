package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.tsdb.Labels;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A shard's connection: kept alive across posts, opened again after an answer it does not read
 * through (an error body longer than 1 KB) or a {@code Connection: close}, with the headers the
 * protocol asks for on every post.
 */
class RemoteClientConnectionTest {
    @Test
    void keepsItsConnectionAndOpensANewOneAfterAnUnreadOrClosingAnswer() throws Exception {
        ArrayDeque<Integer> answers = new ArrayDeque<>(List.of(204, 204, 500, 204, 299, 204));
        List<Integer> ports = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/api/v1/write", ex -> answer(ex, answers.poll(), ports, seen));
        server.start();
        try (RemoteClient client = new RemoteClient(config("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write"), "vigil-test");
                RemoteClient.Connection conn = client.connection()) {
            byte[] body = body();
            assertEquals(RemoteClient.Outcome.OK, conn.post(body, body.length).outcome());
            assertEquals(RemoteClient.Outcome.OK, conn.post(body, body.length).outcome());
            assertEquals(ports.get(0), ports.get(1), "the second post goes on the first one's connection");

            RemoteClient.Result error = conn.post(body, body.length);
            assertEquals(RemoteClient.Outcome.RETRY, error.outcome());
            assertEquals("server returned HTTP status 500: (a longer body, not read)", error.reason());
            assertEquals(RemoteClient.Outcome.OK, conn.post(body, body.length).outcome());
            assertNotEquals(ports.get(2), ports.get(3), "an answer left unread closes its connection");

            assertEquals(RemoteClient.Outcome.OK, conn.post(body, body.length).outcome(), "299 is a 2xx, answered with Connection: close");
            assertEquals(RemoteClient.Outcome.OK, conn.post(body, body.length).outcome());
            assertNotEquals(ports.get(4), ports.get(5), "Connection: close is honoured");
        } finally {
            server.stop(0);
        }
        for (String s : seen) {
            assertEquals("snappy application/x-protobuf 0.1.0 vigil-test secret-tenant " + body().length, s);
        }
        assertTrue(answers.isEmpty());
    }

    private static void answer(HttpExchange ex, int status, List<Integer> ports, List<String> seen) throws java.io.IOException {
        try (ex) {
            byte[] got = ex.getRequestBody().readAllBytes();
            var h = ex.getRequestHeaders();
            seen.add(h.getFirst("Content-Encoding") + " " + h.getFirst("Content-Type") + " " + h.getFirst("X-Prometheus-Remote-Write-Version")
                    + " " + h.getFirst("User-Agent") + " " + h.getFirst("X-Scope-OrgID") + " " + got.length);
            ports.add(ex.getRemoteAddress().getPort());
            if (status == 500) {
                byte[] b = "x".repeat(4096).getBytes();
                ex.sendResponseHeaders(500, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
                return;
            }
            if (status == 299) {
                ex.getResponseHeaders().set("Connection", "close");
            }
            ex.sendResponseHeaders(status, -1);
        }
    }

    private static RemoteWriteConfig config(String url) {
        return new RemoteWriteConfig("t", url, 10_000, Map.of("X-Scope-OrgID", "secret-tenant"), ScrapeJob.TlsConfig.DEFAULT,
                Relabeling.NONE, RemoteWriteConfig.Queue.DEFAULT, RemoteWriteConfig.Metadata.DEFAULT);
    }

    private static byte[] body() throws Exception {
        WriteRequestEncoder enc = new WriteRequestEncoder();
        enc.sample(WriteRequestEncoder.series(Labels.of(Map.of("__name__", "conn_test", "job", "rw"))), 1_700_000_000_000L,
                Double.doubleToRawLongBits(1.0));
        int[] len = new int[1];
        return java.util.Arrays.copyOf(enc.snappy(len), len[0]);
    }
}
