package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alert_relabel_configs} and an Alertmanager's target {@code relabel_configs}: the real
 * Prometheus 2.42 and Vigil load the same configuration and rules, each sends to its own real
 * Alertmanager 0.25, and both Alertmanagers end up with the same alerts: one dropped by a rule,
 * one whose severity a rule rewrote from an external label, a label dropped from all; the
 * Alertmanager target a relabel rule drops is not used by either.
 */
class AlertRelabelAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULES = """
            groups:
            - name: relabel
              rules:
              - alert: Paged
                expr: vector(1)
                labels: {severity: page, team: a}
                annotations: {summary: "paged {{ $value }}"}
              - alert: Noise
                expr: vector(2)
                labels: {severity: page, team: drop-me}
              - alert: Info
                expr: vector(3)
                labels: {severity: info, team: b}
            """;
    private static final String CONFIG = """
            global:
              evaluation_interval: 1s
              external_labels: {dc: eu1}
            rule_files: [rules.yml]
            alerting:
              alert_relabel_configs:
                - source_labels: [team]
                  regex: drop-me
                  action: drop
                - source_labels: [dc, severity]
                  separator: ';'
                  regex: '(.+);page'
                  target_label: severity
                  replacement: '${1}-critical'
                - action: labeldrop
                  regex: team
              alertmanagers:
              - static_configs: [{targets: ['127.0.0.1:%d', '127.0.0.1:1']}]
                relabel_configs:
                  - source_labels: [__address__]
                    regex: '127\\.0\\.0\\.1:1'
                    action: drop
            """;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void bothAlertmanagersReceiveTheSameRelabelledAlerts() throws Exception {
        References.require("prometheus");
        References.require("prometheus-alertmanager");
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            int promAm = startAlertmanager("am-prom", procs);
            int vigilAm = startAlertmanager("am-vigil", procs);
            Path promDir = Files.createDirectories(dir.resolve("prom"));
            Path vigilDir = Files.createDirectories(dir.resolve("vigil"));
            Files.writeString(promDir.resolve("rules.yml"), RULES);
            Files.writeString(vigilDir.resolve("rules.yml"), RULES);
            Files.writeString(promDir.resolve("prometheus.yml"), CONFIG.formatted(promAm));
            Files.writeString(vigilDir.resolve("vigil.yml"), CONFIG.formatted(vigilAm));
            int promPort = Processes.freePort();
            procs.add(Processes.start(List.of(PROMETHEUS.toString(), "--config.file=" + promDir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + promDir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort,
                    // Prometheus finds its Alertmanagers a few seconds after the first evaluation:
                    // resend every second rather than after the default minute.
                    "--rules.alert.resend-delay=1s"),
                    dir.resolve("prom.log"), "http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30)));
            ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                    "--storage.tsdb.path=" + vigilDir.resolve("data"), "--config.file=" + vigilDir.resolve("vigil.yml"),
                    "--rules.alert.resend-delay=1s");
            vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });

            TreeSet<String> fromProm = awaitAlerts(promAm);
            TreeSet<String> fromVigil = awaitAlerts(vigilAm);
            assertEquals(new TreeSet<>(List.of(
                    "{alertname=Info, dc=eu1, severity=info} {}",
                    "{alertname=Paged, dc=eu1, severity=eu1-critical} {summary=paged 1}")), fromProm,
                    "Prometheus 2.42 itself: the expected relabelling");
            assertEquals(fromProm, fromVigil);

            assertEquals(discovered("http://127.0.0.1:" + promPort), discovered("http://127.0.0.1:" + vigil.webAddress().getPort()));
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            for (Process p : procs) {
                Processes.stop(p);
            }
        }
    }

    private int startAlertmanager(String name, List<Process> procs) throws Exception {
        int port = Processes.freePort();
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("am.yml"), "route:\n  receiver: none\nreceivers:\n  - name: none\n");
        procs.add(Processes.start(List.of(ALERTMANAGER.toString(), "--config.file=" + d.resolve("am.yml"),
                "--storage.path=" + d.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="),
                d.resolve("am.log"), "http://127.0.0.1:" + port + "/-/ready", Duration.ofSeconds(30)));
        return port;
    }

    /**
     * Each alert the Alertmanager lists as "labels annotations", once the two expected alerts are
     * there and two more seconds (two more rule evaluations and sends) added nothing.
     */
    private TreeSet<String> awaitAlerts(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        TreeSet<String> last = new TreeSet<>();
        while (System.nanoTime() < deadline) {
            last = alerts(port);
            if (last.size() >= 2) {
                Thread.sleep(2000);
                return alerts(port);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("alerts never arrived at :" + port + ": " + last);
    }

    @SuppressWarnings("unchecked")
    private TreeSet<String> alerts(int port) throws Exception {
        JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/alerts"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode a : list) {
            out.add(new TreeMap<>(JSON.convertValue(a.get("labels"), Map.class)) + " "
                    + new TreeMap<>(JSON.convertValue(a.get("annotations"), Map.class)));
        }
        return out;
    }

    private String discovered(String base) throws Exception {
        String m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher x = java.util.regex.Pattern.compile("(?m)^prometheus_notifications_alertmanagers_discovered (\\S+)$")
                .matcher(m);
        assertTrue(x.find(), m);
        return x.group(1);
    }
}
