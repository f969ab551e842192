package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end to end: a Flink MiniCluster with the real PushGateway reporter pushes into a
 * Vigil loaded with docs/rules/flink.yml; the job's operator throws so the restart strategy
 * restarts it, FlinkJobRestarting fires and reaches the real Alertmanager 0.25 (or the built-in
 * webhook notifier, whose receiver is down at first) with the pack's labels and annotations; when
 * the operator stops throwing the job stops restarting and the alert resolves.
 */
class FlinkAlertingEndToEndTest {
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALERT = "FlinkJobRestarting";
    /** The pack's 5m window keeps a restart for 5 minutes; 20s lets the test see the resolution. */
    private static final String WINDOW = "20s";
    private static final Pattern DESCRIPTION = Pattern.compile(
            "Job vigil_restart_job \\([0-9a-f]{32}\\) restarted about [1-9][0-9]* times in the last 5 minutes\\.");

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void jobRestartingFiresInTheRealAlertmanagerAndResolvesWhenRestartsStop() throws Exception {
        References.require("prometheus-alertmanager");
        int amPort = Processes.freePort();
        Files.writeString(dir.resolve("am.yml"), "route:\n  receiver: none\nreceivers:\n  - name: none\n");
        Path config = FlinkPack.writeConfig(dir, FlinkPack.withRestartWindow(WINDOW), """
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
            try (RestartingFlinkJob flink = RestartingFlinkJob.start("http://127.0.0.1:" + vigil.webAddress().getPort())) {
                JsonNode alert = awaitInAlertmanager(amPort, true);
                JsonNode labels = alert.get("labels");
                assertEquals("warning", labels.get("severity").asText(), labels::toString);
                assertEquals("test", labels.get("dc").asText(), labels::toString);
                assertEquals(RestartingFlinkJob.JOB_NAME, labels.get("job_name").asText(), labels::toString);
                assertTrue(labels.get("job_id").asText().matches("[0-9a-f]{32}"), labels::toString);
                assertTrue(labels.get("job").asText().matches("vigilrestart[0-9a-f]{32}"), labels::toString);
                JsonNode annotations = alert.get("annotations");
                assertEquals("Flink job vigil_restart_job is restarting", annotations.get("summary").asText());
                assertTrue(DESCRIPTION.matcher(annotations.get("description").asText()).matches(), annotations::toString);
                assertEquals("active", alert.get("status").get("state").asText());
                assertTrue(alert.get("generatorURL").asText().startsWith("http://vigil.test:9090/graph?g0.expr=increase"),
                        alert::toString);

                // The job keeps running and stops restarting: once the last restart leaves the
                // window the rule no longer matches, Vigil sends the alert resolved and
                // Alertmanager drops it from its active alerts.
                RestartingFlinkJob.FAILING.set(false);
                awaitInAlertmanager(amPort, false);
            }
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            Processes.stop(am);
        }
    }

    @Test
    void jobRestartingReachesAWebhookThatWasDownThenResolves() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        int port = Processes.freePort();
        HttpServer receiver = HttpServer.create();
        receiver.createContext("/hook", ex -> {
            received.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        Path config = FlinkPack.writeConfig(dir, FlinkPack.withRestartWindow(WINDOW), """
                vigil:
                  notify:
                    route:
                      receiver: team
                      group_by: [alertname, job_name]
                      group_wait: 300ms
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: team
                        webhook_configs:
                          - url: http://127.0.0.1:%d/hook
                """.formatted(port));
        VigilServer vigil = null;
        try {
            vigil = AlertingVigil.start(config, dir);
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            try (RestartingFlinkJob flink = RestartingFlinkJob.start(v)) {
                // The receiver is not listening yet: the firing notification fails and is counted.
                await(() -> counter(v, "vigil_notifications_failed_total") >= 1, "a failed notification counted");
                assertTrue(received.isEmpty());
                receiver.bind(new InetSocketAddress("127.0.0.1", port), 0);
                receiver.start();

                JsonNode firing = awaitMessage(received, m -> m.get("status").asText().equals("firing"));
                assertEquals("{\"alertname\":\"FlinkJobRestarting\",\"job_name\":\"vigil_restart_job\"}",
                        firing.get("groupLabels").toString());
                JsonNode a = firing.get("alerts").get(0);
                assertEquals("firing", a.get("status").asText());
                assertEquals("warning", a.get("labels").get("severity").asText());
                assertEquals("test", a.get("labels").get("dc").asText());
                assertTrue(a.get("labels").get("job_id").asText().matches("[0-9a-f]{32}"), a::toString);
                assertEquals("Flink job vigil_restart_job is restarting", a.get("annotations").get("summary").asText());
                assertTrue(DESCRIPTION.matcher(a.get("annotations").get("description").asText()).matches(), a::toString);

                RestartingFlinkJob.FAILING.set(false);
                JsonNode resolved = awaitMessage(received, m -> m.get("status").asText().equals("resolved"));
                JsonNode r = resolved.get("alerts").get(0);
                assertEquals(a.get("fingerprint").asText(), r.get("fingerprint").asText());
                assertTrue(Instant.parse(r.get("endsAt").asText()).isBefore(Instant.now()), r::toString);
            }
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            receiver.stop(0);
        }
    }

    /** Waits until Alertmanager lists FlinkJobRestarting as active ({@code present}) or no longer does. */
    private JsonNode awaitInAlertmanager(int amPort, boolean present) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + amPort
                    + "/api/v2/alerts?active=true")).build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode found = null;
            for (JsonNode a : last) {
                if (a.get("labels").path("alertname").asText().equals(ALERT)) {
                    found = a;
                }
            }
            if (present == (found != null)) {
                return found;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(ALERT + (present ? " never arrived" : " never resolved") + ": " + last);
    }

    private long counter(String base, String name) throws Exception {
        String m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher x = Pattern.compile("(?m)^" + name + "\\{integration=\"webhook\",receiver=\"team\"} (\\d+)$").matcher(m);
        return x.find() ? Long.parseLong(x.group(1)) : -1;
    }

    private static JsonNode awaitMessage(List<JsonNode> received, Predicate<JsonNode> p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode m : received) {
                if (m.get("groupLabels").path("alertname").asText().equals(ALERT) && p.test(m)) {
                    return m;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such message; got " + received);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }
}
