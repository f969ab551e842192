package dev.vigil.server.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.query.rules.OutgoingAlert;
import dev.vigil.tsdb.Labels;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Grouping, group_wait, repeat_interval and send_resolved of the built-in notifier, against a receiver on loopback. */
class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private WebhookNotifier notifier;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        notifier = new WebhookNotifier("test");
    }

    @AfterEach
    void stop() {
        notifier.close();
        receiver.stop(0);
    }

    private void configure(String groupBy, String wait, String repeat, boolean sendResolved) {
        notifier.apply(NotifyConfig.parse("""
                vigil:
                  notify:
                    route: {receiver: r, group_by: %s, group_wait: %s, group_interval: 300ms, repeat_interval: %s}
                    receivers:
                      - name: r
                        webhook_configs: [{url: 'http://127.0.0.1:%d/hook', send_resolved: %s}]
                """.formatted(groupBy, wait, repeat, receiver.getAddress().getPort(), sendResolved), "t.yml"),
                Map.of("dc", "eu"), "http://vigil");
    }

    private static OutgoingAlert alert(String job, String instance, long endsAt) {
        return new OutgoingAlert(Labels.of("alertname", "Down", "job", job, "instance", instance), Labels.of("summary", job),
                1_000, endsAt, "http://vigil/graph");
    }

    @Test
    void groupsByLabelsAndWaitsBeforeTheFirstMessage() throws Exception {
        configure("[job]", "1s", "1h", true);
        long far = System.currentTimeMillis() + 3_600_000;
        // startsAt long ago would skip group_wait; these start now.
        long now = System.currentTimeMillis();
        notifier.send(List.of(new OutgoingAlert(Labels.of("alertname", "Down", "job", "a", "instance", "1"), Labels.EMPTY, now, far, "u"),
                new OutgoingAlert(Labels.of("alertname", "Down", "job", "a", "instance", "2"), Labels.EMPTY, now, far, "u"),
                new OutgoingAlert(Labels.of("alertname", "Down", "job", "b", "instance", "1"), Labels.EMPTY, now, far, "u")));
        Thread.sleep(400);
        assertTrue(received.isEmpty(), "group_wait holds the first message");
        awaitCount(2);
        Thread.sleep(700);
        assertEquals(2, received.size(), "nothing changed: no more messages " + received);
        List<String> keys = new ArrayList<>();
        for (JsonNode m : received) {
            keys.add(m.get("groupKey").asText() + " " + m.get("alerts").size() + " " + m.get("commonLabels").get("dc").asText());
        }
        keys.sort(null);
        assertEquals(List.of("{}:{job=\"a\"} 2 eu", "{}:{job=\"b\"} 1 eu"), keys);
    }

    @Test
    void repeatsAfterRepeatIntervalAndSkipsResolvedWithoutSendResolved() throws Exception {
        configure("[alertname]", "0s", "500ms", false);
        notifier.send(List.of(alert("a", "1", System.currentTimeMillis() + 3_600_000)));
        awaitCount(2);
        assertEquals(received.get(0).get("alerts"), received.get(1).get("alerts"), "a repeat carries the same alerts");
        int n = received.size();
        notifier.send(List.of(alert("a", "1", System.currentTimeMillis() - 1)));
        Thread.sleep(1_000);
        for (JsonNode m : received.subList(n, received.size())) {
            assertEquals("firing", m.get("status").asText(), "send_resolved: false sends no resolved message");
        }
    }

    private void awaitCount(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (received.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(received.size() >= n, "messages: " + received);
    }
}
