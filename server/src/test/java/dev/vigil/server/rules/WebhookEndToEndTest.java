package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.VigilServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in notifier end to end: a rule fires on pushed data while the webhook receiver is
 * down (first not listening, then answering 503); the failures are counted in /metrics, and once
 * the receiver is back it gets the
 * firing notification in Alertmanager's webhook payload; when the condition ends it gets the
 * resolved one.
 */
class WebhookEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AlertingVigil alerting = new AlertingVigil();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean down = true;

    @Test
    void firingAfterTheReceiverIsBackThenResolved() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // Not listening at first: connections are refused.
        HttpServer receiver = HttpServer.create();
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (down) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
            } else {
                received.add(JSON.readTree(body));
                assertEquals("Bearer s3cret", ex.getRequestHeaders().getFirst("Authorization"));
                ex.sendResponseHeaders(200, -1);
            }
            ex.close();
        });
        Path config = AlertingVigil.writeConfig(dir, "{{ $labels.job }} is down", """
                vigil:
                  notify:
                    route:
                      receiver: team
                      group_by: [alertname]
                      group_wait: 300ms
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: team
                        webhook_configs:
                          - url: http://127.0.0.1:%d/hook
                            http_config:
                              authorization: {credentials: s3cret}
                """.formatted(port));
        VigilServer vigil = null;
        try {
            vigil = AlertingVigil.start(config, dir);
            String v = "http://127.0.0.1:" + vigil.webAddress().getPort();
            alerting.push(v, "cond 1\n");

            // Down, no listener: requests are retried and fail, notifications give up and are counted.
            await(() -> counter(v, "vigil_notifications_failed_total") >= 2, "failed notifications counted");
            assertTrue(counter(v, "vigil_notification_requests_failed_total") >= 4, "retried");
            // Up but failing (503): still retried, still counted.
            receiver.bind(new InetSocketAddress("127.0.0.1", port), 0);
            receiver.start();
            long failed = counter(v, "vigil_notifications_failed_total");
            await(() -> counter(v, "vigil_notifications_failed_total") >= failed + 2, "503s counted");
            assertTrue(refused.get() >= 3, "retried: " + refused.get());
            assertTrue(received.isEmpty());

            down = false;
            JsonNode firing = awaitMessage(m -> m.get("status").asText().equals("firing"));
            assertEquals("4", firing.get("version").asText());
            assertEquals("team", firing.get("receiver").asText());
            assertEquals("{}:{alertname=\"TaskManagerDown\"}", firing.get("groupKey").asText());
            assertEquals("{\"alertname\":\"TaskManagerDown\"}", firing.get("groupLabels").toString());
            assertEquals("{\"alertname\":\"TaskManagerDown\",\"dc\":\"test\",\"job\":\"flink\",\"severity\":\"page\"}",
                    firing.get("commonLabels").toString());
            assertEquals("{\"summary\":\"flink is down\"}", firing.get("commonAnnotations").toString());
            assertEquals("http://vigil.test:9090", firing.get("externalURL").asText());
            assertEquals(0, firing.get("truncatedAlerts").asInt());
            JsonNode a = firing.get("alerts").get(0);
            assertEquals(1, firing.get("alerts").size());
            assertEquals("firing", a.get("status").asText());
            assertEquals("0001-01-01T00:00:00Z", a.get("endsAt").asText());
            assertEquals("http://vigil.test:9090/graph?g0.expr=cond+%3D%3D+1&g0.tab=1", a.get("generatorURL").asText());
            assertTrue(a.get("fingerprint").asText().matches("[0-9a-f]{16}"), a::toString);

            alerting.push(v, "cond 0\n");
            JsonNode resolved = awaitMessage(m -> m.get("status").asText().equals("resolved"));
            JsonNode r = resolved.get("alerts").get(0);
            assertEquals("resolved", r.get("status").asText());
            assertNotEquals("0001-01-01T00:00:00Z", r.get("endsAt").asText());
            assertEquals(a.get("fingerprint").asText(), r.get("fingerprint").asText());
            assertEquals(a.get("startsAt").asText(), r.get("startsAt").asText());
            // Nothing changed after the resolution: no more messages, no repeats.
            int n = received.size();
            Thread.sleep(2500);
            assertEquals(n, received.size(), received::toString);
            assertTrue(received.stream().filter(m -> m.get("status").asText().equals("firing")).count() == 1, received::toString);
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            receiver.stop(0);
        }
    }

    private long counter(String base, String name) throws Exception {
        String m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher x = Pattern.compile("(?m)^" + name + "\\{integration=\"webhook\",receiver=\"team\"} (\\d+)$").matcher(m);
        return x.find() ? Long.parseLong(x.group(1)) : -1;
    }

    private JsonNode awaitMessage(Predicate<JsonNode> p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode m : received) {
                if (p.test(m)) {
                    return m;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such message; got " + received);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }
}
