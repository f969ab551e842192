package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with basic auth on both ports, with a CA the test makes: the real Prometheus 2.42 scrapes
 * Vigil's /metrics and remote-writes to Vigil over TLS; curl and the JDK client call the API;
 * replaced certificates apply to the next handshake; client certificates carry roles.
 */
class TlsEndToEndTest {

    private static String tls(String extra) {
        return "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra
                + "http_server_config:\n  headers:\n    Strict-Transport-Security: max-age=3600\n";
    }

    @Test
    void prometheusScrapesAndRemoteWritesOverTlsWithBasicAuth(@TempDir Path dir) throws Exception {
        Path prometheus = References.require("prometheus");
        TestPki pki = new TestPki(dir);
        pki.server("server", "vigil-1");
        HttpClient client = HttpClient.newBuilder().sslContext(pki.trustingCa()).build();
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(tls("")), SecuredServer.ROLES, client)) {
            String base = "https://127.0.0.1:" + s.server.webAddress().getPort();
            HttpResponse<String> anon = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/labels")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anon.statusCode());
            assertEquals("max-age=3600", anon.headers().firstValue("Strict-Transport-Security").orElse(""),
                    "configured headers are on 401s too");
            // Plain HTTP to the TLS port is not served.
            assertThrows(Exception.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.server.webAddress().getPort() + "/-/healthy")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            int promPort = Processes.freePort();
            int port = s.server.webAddress().getPort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: vigil
                        scheme: https
                        tls_config:
                          ca_file: %1$s/ca.crt
                        basic_auth:
                          username: reader
                          password: reader-pw
                        static_configs:
                          - targets: ['127.0.0.1:%2$d']
                    remote_write:
                      - url: https://127.0.0.1:%2$d/api/v1/write
                        tls_config:
                          ca_file: %1$s/ca.crt
                        basic_auth:
                          username: pusher
                          password: pusher-pw
                        queue_config:
                          batch_send_deadline: 1s
                    """.formatted(dir, port));
            Process p = Processes.start(List.of(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prom"), "--web.listen-address=127.0.0.1:" + promPort),
                    dir.resolve("prometheus.log"), "http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30));
            try {
                String reader = SecuredServer.basic("reader", "reader-pw");
                // up == 1 in Vigil: Prometheus scraped Vigil over TLS with the reader's password and
                // remote-wrote the result over TLS with the pusher's.
                long end = System.currentTimeMillis() + 60_000;
                String body = "";
                while (System.currentTimeMillis() < end) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                            + URLEncoder.encode("up{job=\"vigil\"}", StandardCharsets.UTF_8))).header("Authorization", reader)
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    body = r.body();
                    if (body.contains("\"1\"]")) {
                        break;
                    }
                    Thread.sleep(500);
                }
                assertTrue(body.contains("\"instance\":\"127.0.0.1:" + port + "\"") && body.contains("\"1\"]"),
                        "up{job=vigil} not 1 in Vigil: " + body + "\n" + Files.readString(dir.resolve("prometheus.log")));
            } finally {
                Processes.stop(p);
            }
            // Prometheus logs a refused remote write as "server returned HTTP status 401 Unauthorized"; a bare
            // "401" also occurs in its timestamps and ports, so look for the status phrase.
            String log = Files.readString(dir.resolve("prometheus.log"));
            assertTrue(!log.contains("status 401") && !log.contains("401 Unauthorized"), "a request was refused:\n" + log);

            // curl, as a script or Grafana's backend calls the API.
            Process curl = new ProcessBuilder("curl", "-sS", "--cacert", dir.resolve("ca.crt").toString(), "-u",
                    "reader:reader-pw", "-o", "/dev/null", "-w", "%{http_code}", base + "/api/v1/query?query=up")
                    .redirectErrorStream(true).start();
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            assertEquals("200", new String(curl.getInputStream().readAllBytes()));

            // Replaced certificates: the next handshake presents the new one, no restart.
            assertEquals("CN=vigil-1", peer(pki.trustingCa(), port).getSubjectX500Principal().getName());
            pki.server("server2", "vigil-2");
            Files.move(dir.resolve("server2.key"), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(dir.resolve("server2.crt"), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
            WebSecurityServerTest.waitFor(() -> peer(pki.trustingCa(), port).getSubjectX500Principal().getName()
                    .equals("CN=vigil-2"));
            int pushPort = s.server.pushAddress().getPort();
            assertEquals("CN=vigil-2", peer(pki.trustingCa(), pushPort).getSubjectX500Principal().getName(),
                    "the push port too");
            // A key that is not the certificate's (a rotation caught half-way): the pair in force stays.
            pki.server("server3", "vigil-3");
            Files.move(dir.resolve("server3.key"), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(3 * dev.vigil.server.VigilServerAccess.pollMs());
            assertEquals("CN=vigil-2", peer(pki.trustingCa(), port).getSubjectX500Principal().getName());
            Files.move(dir.resolve("server3.crt"), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
            WebSecurityServerTest.waitFor(() -> peer(pki.trustingCa(), port).getSubjectX500Principal().getName()
                    .equals("CN=vigil-3"));
        }
    }

    @Test
    void aVerifiedClientCertificateCarriesItsSubjectsRoles(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        pki.server("server", "vigil-1");
        pki.client("flink", "flink-jobmanager");
        String web = SecuredServer.webConfig(tls("  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n"));
        String roles = SecuredServer.ROLES + "client_certificates:\n  flink-jobmanager: [push]\n";
        HttpClient client = HttpClient.newBuilder().sslContext(pki.trustingCa()).build();
        try (SecuredServer s = SecuredServer.start(dir, web, roles, client)) {
            String url = "https://127.0.0.1:" + s.server.pushAddress().getPort();
            assertEquals("2", curl(dir, "--cert", "flink.crt", "--key", "flink.key", "-X", "PUT", "--data-binary", "m 1\n",
                    url + "/metrics/job/tls").substring(0, 1), "the certificate alone may push");
            assertEquals("403", curl(dir, "--cert", "flink.crt", "--key", "flink.key", url + "/api/v1/metrics"),
                    "but not read");
            assertEquals("401", curl(dir, "-X", "PUT", "--data-binary", "m 1\n", url + "/metrics/job/tls"),
                    "without it, credentials are needed");
            assertEquals("200", curl(dir, "-u", "reader:reader-pw", url + "/api/v1/metrics"));
        }
    }

    @Test
    void aJdkClientGetsAes128GcmAsFromGoAndAMegabytePushArrivesWhole(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        pki.server("server", "vigil-1");
        HttpClient client = HttpClient.newBuilder().sslContext(pki.trustingCa()).version(HttpClient.Version.HTTP_1_1).build();
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(tls("")), SecuredServer.ROLES, client)) {
            int port = s.server.pushAddress().getPort();
            assertEquals("TLS_AES_128_GCM_SHA256", suite(pki.trustingCa(), port, "TLSv1.3"),
                    "the JDK client lists AES-256 first; Go's server and Vigil's pick AES-128");
            assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", suite(pki.trustingCa(), port, "TLSv1.2"));
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                body.append("tls_big{series=\"").append(i).append("\",pad=\"").append("x".repeat(20)).append("\"} ").append(i).append('\n');
            }
            assertTrue(body.length() > 1 << 20, "more than 64 TLS records");
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics/job/big"))
                    .header("Authorization", SecuredServer.basic("pusher", "pusher-pw"))
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(2, r.statusCode() / 100, r.body());
            HttpResponse<String> q = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.server.webAddress().getPort()
                    + "/api/v1/query?query=" + URLEncoder.encode("count(tls_big) + sum(tls_big)", StandardCharsets.UTF_8)))
                    .header("Authorization", SecuredServer.basic("reader", "reader-pw")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(q.body().contains("\"" + (20_000 + 19_999L * 20_000 / 2) + "\""), "every line arrived intact: " + q.body());
        }
        Path listed = dir.resolve("listed");
        Files.createDirectories(listed);
        for (String f : new String[] {"server.crt", "server.key", "ca.crt"}) {
            Files.copy(dir.resolve(f), listed.resolve(f));
        }
        String only256 = tls("  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n");
        try (SecuredServer s = SecuredServer.start(listed, SecuredServer.webConfig(only256), SecuredServer.ROLES, client)) {
            assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", suite(pki.trustingCa(), s.server.pushAddress().getPort(), "TLSv1.2"),
                    "a listed suite is honoured");
        }
    }

    private static String suite(SSLContext ctx, int port, String protocol) throws Exception {
        try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            sock.setEnabledProtocols(new String[] {protocol});
            sock.setSoTimeout(5000);
            sock.startHandshake();
            return sock.getSession().getCipherSuite();
        }
    }

    @Test
    void http2IsOfferedOverTlsUnlessTheWebConfigTurnsItOff(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        pki.server("server", "vigil-1");
        HttpClient h2 = HttpClient.newBuilder().sslContext(pki.trustingCa()).version(HttpClient.Version.HTTP_2).build();
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(tls("")), SecuredServer.ROLES, h2)) {
            for (int port : new int[] {s.server.webAddress().getPort(), s.server.pushAddress().getPort()}) {
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/metrics"))
                        .header("Authorization", SecuredServer.basic("reader", "reader-pw")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(HttpClient.Version.HTTP_2, r.version(), "ALPN chose h2, as Go's server does by default");
            }
            String url = "https://127.0.0.1:" + s.server.pushAddress().getPort();
            String out = curl(dir, "--http2", "-w", "%{http_code} %{http_version}", "-u", "pusher:pusher-pw",
                    "-X", "PUT", "--data-binary", "m 1\n", url + "/metrics/job/h2");
            assertTrue(out.matches("2\\d\\d 2"), "curl pushed over h2: " + out);
        }
        Path off = dir.resolve("off");
        java.nio.file.Files.createDirectories(off);
        for (String f : new String[] {"server.crt", "server.key"}) {
            java.nio.file.Files.copy(dir.resolve(f), off.resolve(f));
        }
        String noH2 = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nhttp_server_config:\n  http2: false\n";
        try (SecuredServer s = SecuredServer.start(off, SecuredServer.webConfig(noH2), SecuredServer.ROLES, h2)) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.server.webAddress().getPort()
                    + "/api/v1/metrics")).header("Authorization", SecuredServer.basic("reader", "reader-pw")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(HttpClient.Version.HTTP_1_1, r.version(), "http2: false keeps HTTP/1.1");
        }
    }

    private static String curl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--cacert", "ca.crt", "-o", "/dev/null", "-w",
                "%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes());
    }

    private static X509Certificate peer(SSLContext ctx, int port) throws Exception {
        try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            sock.setSoTimeout(5000);
            sock.startHandshake();
            return (X509Certificate) sock.getSession().getPeerCertificates()[0];
        }
    }
}
