package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.server.SecuredServer;
import dev.vigil.tsdb.Labels;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender's HTTP client against a Vigil receiver over TLS with basic auth, as a user configures
 * {@code remote_write.tls_config}: the CA file trusts the receiver, the URL's host is checked
 * against the certificate unless {@code server_name} names another (then that name is) or
 * {@code insecure_skip_verify} is set, and the Authorization header goes with every post.
 */
class RemoteClientTlsTest {

    @Test
    void postsOverTlsAndChecksTheReceiversName(@TempDir Path dir) throws Exception {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=rw-test-ca");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:receiver.test\nextendedKeyUsage=serverAuth\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=receiver");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.crt", "-days", "2", "-extfile", "server.ext");
        String web = SecuredServer.webConfig("tls_server_config:\n  cert_file: " + dir.resolve("server.crt") + "\n  key_file: "
                + dir.resolve("server.key") + "\n");
        try (SecuredServer s = SecuredServer.start(dir, web, SecuredServer.ROLES, HttpClient.newHttpClient())) {
            int port = s.server.webAddress().getPort();
            String url = "https://127.0.0.1:" + port + "/api/v1/write";
            // "localhost" is not in the certificate (127.0.0.1 and receiver.test are).
            String byName = "https://localhost:" + port + "/api/v1/write";
            String ca = dir.resolve("ca.crt").toString();
            Map<String, String> pusher = Map.of("Authorization", SecuredServer.basic("pusher", "pusher-pw"));

            assertEquals(RemoteClient.Outcome.OK, post(url, new ScrapeJob.TlsConfig(ca, "", "", "", false), pusher).outcome());
            RemoteClient.Result otherHost = post(byName, new ScrapeJob.TlsConfig(ca, "", "", "", false), pusher);
            assertEquals(RemoteClient.Outcome.RETRY, otherHost.outcome(), "the URL's host is not in the certificate");
            assertTrue(otherHost.reason().contains("localhost"), otherHost.reason());
            assertEquals(RemoteClient.Outcome.OK, post(byName, new ScrapeJob.TlsConfig(ca, "", "", "receiver.test", false), pusher)
                    .outcome(), "server_name in the certificate is checked instead of the URL's host");
            assertEquals(RemoteClient.Outcome.OK, post(byName, new ScrapeJob.TlsConfig("", "", "", "", true), pusher).outcome(),
                    "insecure_skip_verify: an unknown CA and another name are accepted");

            RemoteClient.Result wrongName = post(url, new ScrapeJob.TlsConfig(ca, "", "", "other.test", false), pusher);
            assertEquals(RemoteClient.Outcome.RETRY, wrongName.outcome(), "server_name not in the certificate");
            assertEquals(0, wrongName.status());
            RemoteClient.Result unknownCa = post(url, ScrapeJob.TlsConfig.DEFAULT, pusher);
            assertEquals(RemoteClient.Outcome.RETRY, unknownCa.outcome(), "the system's CAs do not know the test CA");
            assertTrue(unknownCa.reason().contains("SSL") || unknownCa.reason().contains("certification"), unknownCa.reason());

            RemoteClient.Result noAuth = post(url, new ScrapeJob.TlsConfig(ca, "", "", "", false), Map.of());
            assertEquals(401, noAuth.status(), noAuth.reason());
            assertEquals(RemoteClient.Outcome.DROP, noAuth.outcome());
        }
    }

    private static RemoteClient.Result post(String url, ScrapeJob.TlsConfig tls, Map<String, String> headers) throws Exception {
        RemoteWriteConfig cfg = new RemoteWriteConfig("t", url, 10_000, headers, tls, Relabeling.NONE,
                RemoteWriteConfig.Queue.DEFAULT, RemoteWriteConfig.Metadata.DEFAULT);
        WriteRequestEncoder enc = new WriteRequestEncoder();
        enc.sample(WriteRequestEncoder.series(Labels.of(Map.of("__name__", "tls_test", "job", "rw"))), System.currentTimeMillis(),
                Double.doubleToRawLongBits(1.0));
        int[] len = new int[1];
        byte[] body = enc.snappy(len);
        try (RemoteClient c = new RemoteClient(cfg, "vigil-test")) {
            return c.post(body, len[0]);
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + ": " + out);
        }
    }
}
