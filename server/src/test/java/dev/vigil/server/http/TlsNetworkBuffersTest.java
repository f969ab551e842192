package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.HexConverter;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xnio.channels.StreamSourceChannel;

/**
 * An HTTPS listener reads through the large heap network buffers (so an Undertow upgrade that
 * moves the pool fails here, not silently in a benchmark), and multi-megabyte bodies in many TLS
 * records arrive byte for byte over TLS 1.2 and 1.3, read from the channel as push bodies are and
 * from the blocking stream as the other routes do.
 */
class TlsNetworkBuffersTest {
    private static HttpServer start(Path dir, boolean tls) throws Exception {
        WebSecurity sec = null;
        if (tls) {
            TestPki pki = new TestPki(dir); // the client trusts dir/ca.crt
            pki.server("server", "127.0.0.1");
            Path web = dir.resolve("web.yml");
            Files.writeString(web, "tls_server_config:\n  cert_file: " + dir.resolve("server.crt") + "\n  key_file: "
                    + dir.resolve("server.key") + "\n");
            sec = WebSecurity.load(web, null);
        }
        HttpServer.Options o = new HttpServer.Options(tls ? sec.sslContext() : null, 60_000, 64, false);
        return HttpServer.start("t", "127.0.0.1", 0, ex -> {
            if (ex.isInIoThread()) {
                ex.dispatch(ex2 -> digest(ex2));
                return;
            }
            digest(ex);
        }, o);
    }

    /** Answers the SHA-256 of the body, read from the channel ({@code ?channel}) or the stream. */
    private static void digest(io.undertow.server.HttpServerExchange ex) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long n = 0;
        if (ex.getQueryParameters().containsKey("channel")) {
            StreamSourceChannel ch = ex.getRequestChannel();
            ByteBuffer b = ByteBuffer.allocate(100_000);
            while (true) {
                b.clear();
                int r = ch.read(b);
                if (r < 0) {
                    break;
                }
                if (r == 0) {
                    ch.awaitReadable();
                    continue;
                }
                b.flip();
                md.update(b);
                n += r;
            }
        } else {
            ex.startBlocking();
            InputStream in = ex.getInputStream();
            byte[] b = new byte[7000];
            for (int r; (r = in.read(b)) > 0; n += r) {
                md.update(b, 0, r);
            }
        }
        ex.getResponseSender().send(n + " " + HexConverter.convertToHexString(md.digest()));
    }

    @Test
    void largeBodiesArriveWholeOverTls12And13ThroughTheLargeBuffers(@TempDir Path dir) throws Exception {
        HttpServer s = start(dir, true);
        try {
            assertTrue(s.tlsBuffersSwapped(), "the HTTPS listener reads through " + TlsNetworkBuffers.BYTES + "-byte heap buffers");
            byte[] body = new byte[3_000_017];
            new Random(7).nextBytes(body);
            String want = body.length + " " + HexConverter.convertToHexString(MessageDigest.getInstance("SHA-256").digest(body));
            javax.net.ssl.SSLContext trust = trustingCa(dir);
            for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
                SSLParameters p = new SSLParameters();
                p.setProtocols(new String[] {protocol});
                HttpClient c = HttpClient.newBuilder().sslContext(trust).sslParameters(p)
                        .version(HttpClient.Version.HTTP_1_1).build();
                for (String how : new String[] {"?channel", ""}) {
                    for (int i = 0; i < 2; i++) { // the second on a kept-alive connection
                        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.address().getPort()
                                + "/" + how)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, r.statusCode(), protocol + how);
                        assertEquals(want, r.body(), protocol + how + " body " + i);
                    }
                }
            }
        } finally {
            s.beginShutdown();
            s.awaitAndStop(5000);
        }
    }

    private static javax.net.ssl.SSLContext trustingCa(Path dir) throws Exception {
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.crt")))));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    @Test
    void plainHttpListenersAreLeftAlone(@TempDir Path dir) throws Exception {
        HttpServer s = start(dir, false);
        try {
            assertFalse(s.tlsBuffersSwapped());
        } finally {
            s.beginShutdown();
            s.awaitAndStop(5000);
        }
    }
}
