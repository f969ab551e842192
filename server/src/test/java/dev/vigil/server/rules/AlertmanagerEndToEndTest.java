package dev.vigil.server.rules;

import dev.vigil.tsdb.testing.References;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule fires on pushed data and the real Alertmanager 0.25 shows the alert with its labels,
 * external labels, annotations and generator URL; when the condition ends Vigil sends it
 * resolved and Alertmanager no longer lists it as active.
 */
class AlertmanagerEndToEndTest {
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AlertingVigil alerting = new AlertingVigil();

    @Test
    void firesAndResolvesInTheRealAlertmanager() throws Exception {
        References.require("prometheus-alertmanager");
        int amPort = Processes.freePort();
        Files.writeString(dir.resolve("am.yml"), "route:\n  receiver: none\nreceivers:\n  - name: none\n");
        Path config = AlertingVigil.writeConfig(dir, "{{ $labels.job }} is down ({{ $value }})", """
                alerting:
                  alertmanagers:
                  - static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(amPort));
        Process am = null;
        VigilServer vigil = null;
        try {
            am = Processes.start(List.of(ALERTMANAGER.toString(), "--config.file=" + dir.resolve("am.yml"),
                    "--storage.path=" + dir.resolve("am"), "--web.listen-address=127.0.0.1:" + amPort,
                    "--cluster.listen-address="), dir.resolve("am.log"), "http://127.0.0.1:" + amPort + "/-/ready",
                    Duration.ofSeconds(30));
            vigil = AlertingVigil.start(config, dir);
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            alerting.push(v, "cond 1\n");
            JsonNode alert = await(amPort, true);
            assertEquals("{alertname=TaskManagerDown, dc=test, job=flink, severity=page}",
                new java.util.TreeMap<>(JSON.convertValue(alert.get("labels"), java.util.Map.class)).toString());
            assertEquals("flink is down (1)", alert.get("annotations").get("summary").asText());
            assertEquals("http://vigil.test:9090/graph?g0.expr=cond+%3D%3D+1&g0.tab=1", alert.get("generatorURL").asText());
            assertEquals("active", alert.get("status").get("state").asText());
            // Valid until 4 resend delays (1m) ahead unless resent: endsAt is far beyond now.
            assertTrue(Instant.parse(alert.get("endsAt").asText()).isAfter(Instant.now().plusSeconds(120)), alert::toString);

            alerting.push(v, "cond 0\n");
            await(amPort, false);
            String metrics = http.send(HttpRequest.newBuilder(URI.create(v + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("prometheus_notifications_errors_total{alertmanager=\"http://127.0.0.1:" + amPort
                    + "/api/v2/alerts\"} 0"), metrics);
            assertTrue(metrics.contains("prometheus_notifications_alertmanagers_discovered 1"), metrics);
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            Processes.stop(am);
        }
    }

    /** Waits until Alertmanager lists the alert as active ({@code present}) or no longer does. */
    private JsonNode await(int amPort, boolean present) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts?active=true"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode found = null;
            for (JsonNode a : last) {
                if (a.get("labels").path("alertname").asText().equals("TaskManagerDown")) {
                    found = a;
                }
            }
            if (present && found != null) {
                return found;
            }
            if (!present && found == null) {
                return null;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("alert " + (present ? "never arrived" : "never resolved") + ": " + last);
    }
}
