package dev.vigil.server.http;

import dev.vigil.server.SecuredServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Measurement, not a test (surefire's default includes skip the name): N pushers PUT the real
 * Flink capture to their own groups through the real HTTP stack, alternating rounds of plain
 * HTTP with everything open and of TLS with basic auth and roles, in the same run. Run:
 * {@code mvn -pl server -am test -Dtest=TlsPushCostHarness -Dsurefire.failIfNoSpecifiedTests=false
 * -Dpushers=20 -Dseconds=10 -Drounds=2}.
 */
class TlsPushCostHarness {
    @Test
    void measure() throws Exception {
        int pushers = Integer.getInteger("pushers", 20);
        int seconds = Integer.getInteger("seconds", 10);
        int rounds = Integer.getInteger("rounds", 2);
        byte[] body;
        try (var in = TlsPushCostHarness.class.getResourceAsStream("/push/flink-1.20.3-push-running.txt")) {
            body = in.readAllBytes();
        }
        long samplesPerPush = new String(body).lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
        Path dir = Files.createTempDirectory("tls-cost");
        TestPki pki = new TestPki(dir);
        pki.server("server", "vigil");
        String tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";
        for (int round = 0; round < rounds; round++) {
            for (String mode : System.getProperty("modes", "plain,tls+auth").split(",")) {
                boolean secure = mode.contains("tls");
                boolean auth = mode.contains("auth");
                Path d = Files.createDirectories(dir.resolve("r" + round + mode));
                if (secure) {
                    Files.copy(dir.resolve("server.crt"), d.resolve("server.crt"));
                    Files.copy(dir.resolve("server.key"), d.resolve("server.key"));
                }
                String web = auth ? SecuredServer.webConfig(secure ? tls : "") : secure ? tls : null;
                try (SecuredServer s = SecuredServer.start(d, web, auth ? SecuredServer.ROLES : null, HttpClient.newHttpClient())) {
                    String base = (secure ? "https" : "http") + "://127.0.0.1:" + s.server.pushAddress().getPort();
                    AtomicLong pushes = new AtomicLong();
                    long end = System.nanoTime() + seconds * 1_000_000_000L;
                    List<Thread> threads = new ArrayList<>();
                    javax.net.ssl.SSLSocketFactory sf = pki.trustingCa().getSocketFactory();
                    for (int p = 0; p < pushers; p++) {
                        URL url = URI.create(base + "/metrics/job/tm" + p).toURL();
                        Thread t = new Thread(() -> {
                            try {
                                while (System.nanoTime() < end) {
                                    // HttpURLConnection with keep-alive: what the Flink reporter's client uses.
                                    HttpURLConnection c = (HttpURLConnection) url.openConnection();
                                    if (c instanceof HttpsURLConnection h) {
                                        h.setSSLSocketFactory(sf);
                                    }
                                    c.setRequestMethod("PUT");
                                    c.setDoOutput(true);
                                    if (auth) {
                                        c.setRequestProperty("Authorization", SecuredServer.basic("pusher", "pusher-pw"));
                                    }
                                    c.setFixedLengthStreamingMode(body.length);
                                    try (OutputStream o = c.getOutputStream()) {
                                        o.write(body);
                                    }
                                    int code = c.getResponseCode();
                                    c.getInputStream().readAllBytes();
                                    c.getInputStream().close();
                                    if (code / 100 != 2) {
                                        throw new IllegalStateException("push answered " + code);
                                    }
                                    pushes.incrementAndGet();
                                }
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
                        t.start();
                        threads.add(t);
                    }
                    for (Thread t : threads) {
                        t.join();
                    }
                    System.out.printf("TLSCOST round %d %-22s %8.0f samples/s (%d pushes of %d samples in %d s)%n", round,
                            mode + ":", pushes.get() * samplesPerPush / (double) seconds,
                            pushes.get(), samplesPerPush, seconds);
                }
            }
        }
    }
}
