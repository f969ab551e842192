package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CORS, cross-site writes, secrets in answers and logs, the connection cap. */
class HttpEdgeTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(String url, String method, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void corsAnswersStarByDefaultAndEchoesOnlyAMatchingOrigin(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client)) {
            String url = s.base("web") + "/api/v1/labels";
            assertEquals("*", send(url, "GET", null, "Origin", "http://evil.example").headers()
                    .firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(send(url, "GET", null).headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                    "no CORS headers without an Origin");
        }
        try (SecuredServer s = SecuredServer.start(dir, null, null, client, "--web.cors.origin=https://grafana\\.example\\.com")) {
            String url = s.base("web") + "/api/v1/labels";
            assertEquals("https://grafana.example.com", send(url, "GET", null, "Origin", "https://grafana.example.com")
                    .headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            for (String other : new String[] {"http://evil.example", "https://grafana.example.com.evil.example"}) {
                HttpResponse<String> r = send(url, "GET", null, "Origin", other);
                assertEquals(200, r.statusCode());
                assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), other + " is not echoed");
            }
        }
    }

    @Test
    void writesRefuseCrossSiteBrowserRequests(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client)) {
            String web = s.base("web");
            String imp = web + "/api/v1/import/prometheus";
            // A page elsewhere posting a form-like simple request: no preflight would stop it.
            HttpResponse<String> r = send(imp, "POST", "csrf_metric 1\n", "Content-Type", "text/plain", "Origin", "http://evil.example");
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("Origin http://evil.example is not this server"), r.body());
            assertEquals(403, send(web + "/metrics/job/x", "PUT", "csrf_metric 1\n", "Sec-Fetch-Site", "cross-site").statusCode());
            assertEquals(403, send(web + "/-/quit", "POST", "", "Origin", "http://evil.example").statusCode());
            assertEquals(403, send(s.base("push") + "/metrics/job/x", "POST", "csrf_metric 1\n", "Origin", "null").statusCode());
            String q = send(web + "/api/v1/query?query=csrf_metric", "GET", null).body();
            assertTrue(q.contains("\"result\":[]"), "nothing was stored: " + q);
            // The same origin (Vigil's own pages) and clients that send no Origin (Flink, curl) may write.
            String self = "http://127.0.0.1:" + s.server.webAddress().getPort();
            assertEquals(2, send(imp, "POST", "ok_metric 1\n", "Origin", self).statusCode() / 100);
            assertEquals(2, send(imp, "POST", "ok_metric 2\n").statusCode() / 100);
            // Reading stays open to other origins (CORS decides what a page may see).
            assertEquals(200, send(web + "/api/v1/labels", "POST", "", "Origin", "http://evil.example",
                    "Content-Type", "application/x-www-form-urlencoded").statusCode());
        }
    }

    @Test
    void secretsAppearInNoAnswerAndNoLogLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                scrape_configs:
                  - job_name: a
                    basic_auth: {username: scraper, password: SECRET-1}
                    static_configs: [{targets: ['127.0.0.1:1']}]
                  - job_name: b
                    authorization: {credentials: SECRET-2}
                    static_configs: [{targets: ['127.0.0.1:1']}]
                  - job_name: c
                    bearer_token: SECRET-3
                    static_configs: [{targets: ['127.0.0.1:1']}]
                remote_read:
                  - url: http://127.0.0.1:1/read
                    oauth2: {client_id: id, client_secret: SECRET-4, token_url: 'http://127.0.0.1:1/t'}
                    sigv4: {region: x, secret_key: SECRET-5}
                    proxy_connect_header: {X-Auth: [SECRET-6]}
                """);
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + (r.getThrown() == null ? "" : r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(""), null, client, "--config.file=" + config)) {
            String admin = SecuredServer.basic("admin", "admin-pw");
            String cfg = s.call("web", "GET", "/api/v1/status/config", admin).body();
            assertEquals(6, cfg.split("<secret>", -1).length - 1, cfg);
            assertTrue(cfg.contains("scraper"), "user names stay: " + cfg);
            StringBuilder all = new StringBuilder(cfg);
            for (String p : new String[] {"/api/v1/status/flags", "/api/v1/status", "/api/v1/targets", "/api/v1/status/runtimeinfo",
                    "/metrics", "/api/v1/metrics", "/status", "/"}) {
                HttpResponse<String> r = s.call("web", "GET", p, admin);
                assertEquals(200, r.statusCode(), p);
                all.append(r.body());
            }
            s.call("web", "POST", "/-/reload", admin);
            for (int i = 1; i <= 6; i++) {
                assertFalse(all.toString().contains("SECRET-" + i), "SECRET-" + i + " in an answer");
            }
            assertFalse(all.toString().contains("$2y$"), "no password hash in an answer");
        } finally {
            root.removeHandler(capture);
        }
        for (String line : logged) {
            assertFalse(line.contains("SECRET-") || line.contains("$2y$"), "logged: " + line);
        }
        assertTrue(logged.size() > 3, "the log was captured: " + logged);
    }

    @Test
    void connectionsBeyondTheCapWait(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client, "--web.max-connections=3")) {
            int port = s.server.webAddress().getPort();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    idle.add(new Socket("127.0.0.1", port));
                }
                Thread.sleep(300);
                HttpClient fresh = HttpClient.newHttpClient();
                assertThrows(java.net.http.HttpTimeoutException.class, () -> fresh.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/-/healthy")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            } finally {
                for (Socket k : idle) {
                    k.close();
                }
            }
            HttpClient fresh = HttpClient.newHttpClient();
            WebSecurityServerTest.waitFor(() -> {
                try {
                    return fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/healthy"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void declaredBodiesThatNeverArriveDoNotStarveQueries(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client)) {
            // Each hanging push holds a listener worker while it waits for its body; the query API runs
            // on threads of its own. (1 MB declared: a push body is still allocated at its declared
            // length before it arrives, which at 64 MB each is the push API's to fix.)
            List<Socket> hanging = new ArrayList<>();
            try {
                for (String port : new String[] {"web", "push"}) {
                    int p = port.equals("web") ? s.server.webAddress().getPort() : s.server.pushAddress().getPort();
                    for (int i = 0; i < 25; i++) {
                        Socket k = new Socket("127.0.0.1", p);
                        k.getOutputStream().write(("PUT /metrics/job/slow" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n"
                                + "Content-Type: text/plain\r\n\r\nm 1\n").getBytes());
                        k.getOutputStream().flush();
                        hanging.add(k);
                    }
                }
                Thread.sleep(500);
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    assertEquals(200, send(s.base("web") + "/api/v1/query?query=1", "GET", null).statusCode());
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < 1000, "query took " + ms + " ms with 50 pushes hanging");
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, send(s.base("web") + "/metrics", "GET", null).statusCode(), "and /metrics too");
                }
            } finally {
                for (Socket k : hanging) {
                    k.close();
                }
            }
        }
    }

    @Test
    void aPartialRequestDoesNotHoldAWorker(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client)) {
            // Headers trickling in occupy no worker thread: queries keep answering meanwhile.
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket k = new Socket("127.0.0.1", s.server.webAddress().getPort());
                    OutputStream o = k.getOutputStream();
                    o.write("GET /api/v1/query?query=1 HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes());
                    o.flush();
                    slow.add(k);
                }
                long t0 = System.nanoTime();
                assertEquals(200, s.call("web", "GET", "/api/v1/query?query=1", null).statusCode());
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "answered in under 1 s");
            } finally {
                for (Socket k : slow) {
                    k.close();
                }
            }
        }
    }
}
