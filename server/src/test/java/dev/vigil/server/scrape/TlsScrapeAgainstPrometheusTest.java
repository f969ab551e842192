package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrape {@code tls_config} against the real Prometheus 2.42: node_exporter serving TLS and
 * requiring a client certificate; a job with {@code ca_file}, a client key in RSA PKCS#1 and
 * {@code server_name}, one with {@code insecure_skip_verify}, one whose {@code server_name} the
 * certificate does not carry. The same targets come up (or down) and the same series are stored.
 */
class TlsScrapeAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path dir;

    private final ScrapeComparison api = new ScrapeComparison();

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private void certificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:node.test\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", who + ".crt",
                    "-days", "2", "-extfile", who + ".ext");
        }
        openssl("rsa", "-in", "client.key", "-traditional", "-out", "client-pkcs1.key");
        assertTrue(Files.readString(dir.resolve("client-pkcs1.key")).contains("BEGIN RSA PRIVATE KEY"));
    }

    @Test
    void sameTargetsAndSeriesAsPrometheus() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(NODE_EXPORTER) && Files.isExecutable(OPENSSL),
                "prometheus, prometheus-node-exporter and openssl must be installed");
        certificates();
        int nodePort = Processes.freePort();
        int promPort = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            Files.writeString(dir.resolve("node-web.yml"), """
                    tls_server_config:
                      cert_file: %1$s/server.crt
                      key_file: %1$s/server.key
                      client_auth_type: RequireAndVerifyClientCert
                      client_ca_file: %1$s/ca.crt
                    """.formatted(dir));
            Process node = new ProcessBuilder(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + nodePort,
                    "--web.config.file=" + dir.resolve("node-web.yml"), "--collector.disable-defaults", "--collector.loadavg",
                    "--collector.uname").redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
            procs.add(node);
            awaitPort(nodePort, node);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: verified
                        scheme: https
                        tls_config:
                          ca_file: ca.crt
                          cert_file: client.crt
                          key_file: client-pkcs1.key
                          server_name: node.test
                        static_configs:
                          - targets: ['127.0.0.1:%1$d']
                      - job_name: insecure
                        scheme: https
                        tls_config:
                          insecure_skip_verify: true
                          cert_file: client.crt
                          key_file: client.key
                        static_configs:
                          - targets: ['localhost:%1$d']
                      - job_name: wrong-name
                        scheme: https
                        tls_config:
                          ca_file: ca.crt
                          cert_file: client.crt
                          key_file: client.key
                          server_name: other.test
                        static_configs:
                          - targets: ['127.0.0.1:%1$d']
                      - job_name: no-client-cert
                        scheme: https
                        tls_config:
                          ca_file: ca.crt
                          server_name: node.test
                        static_configs:
                          - targets: ['127.0.0.1:%1$d']
                    """.formatted(nodePort));
            procs.add(ScrapeComparison.startPrometheus(PROMETHEUS, config, dir, promPort));
            vigil = ScrapeComparison.startVigil(config, dir);
            String v = ScrapeComparison.baseUrl(vigil);
            String p = ScrapeComparison.baseUrl(promPort);
            api.awaitScraped(p, 4);
            api.awaitScraped(v, 4);
            Thread.sleep(2_000);
            Map<String, String> health = health(p);
            assertEquals(Map.of("insecure", "up", "no-client-cert", "down", "verified", "up", "wrong-name", "down"), health);
            assertEquals(health, health(v));
            long now = System.currentTimeMillis() / 1000;
            for (String job : List.of("verified", "insecure")) {
                TreeSet<String> ps = api.series(p, "{job=\"" + job + "\"}", now);
                assertTrue(ps.size() > 5, ps::toString);
                assertEquals(ps, api.series(v, "{job=\"" + job + "\"}", now), job);
            }
        } finally {
            ScrapeComparison.stop(vigil, procs);
        }
    }

    private static void awaitPort(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (java.io.IOException e) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "node_exporter did not listen");
                Thread.sleep(100);
            }
        }
    }



    private Map<String, String> health(String base) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode t : api.get(base, "/api/v1/targets").get("data").get("activeTargets")) {
            out.put(t.get("scrapePool").asText(), t.get("health").asText());
        }
        return out;
    }
}
