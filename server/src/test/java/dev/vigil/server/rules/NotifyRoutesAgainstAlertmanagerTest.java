package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child routes of {@code vigil.notify} against the real Alertmanager 0.25: the same route tree
 * (matchers, match, continue, nested routes, inherited receiver and group_by) is pasted into
 * both; Vigil sends its alerts to that Alertmanager and to its own notifier, both notify webhooks
 * in the test, and each group (receiver, group key, group labels, alerts) arrives the same from both.
 */
class NotifyRoutesAgainstAlertmanagerTest {
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TREE = """
            route:
              receiver: default
              group_by: [alertname]
              group_wait: 500ms
              group_interval: 1s
              repeat_interval: 1h
              routes:
                - matchers: ['severity="page"']
                  receiver: pager
                  group_by: [alertname, team]
                  continue: true
                - matchers: ['team=~"a|b"']
                  receiver: teams
                - match: {team: c}
                  receiver: teams
                  routes:
                    - matchers: ['severity!="info"']
                      receiver: pager
            receivers:
              - name: default
                webhook_configs: [{url: 'http://127.0.0.1:%1$d/%2$s/default'}]
              - name: pager
                webhook_configs: [{url: 'http://127.0.0.1:%1$d/%2$s/pager'}]
              - name: teams
                webhook_configs: [{url: 'http://127.0.0.1:%1$d/%2$s/teams'}]
            """;
    private static final String RULES = """
            groups:
            - name: routes
              interval: 1s
              rules:
              - {alert: A, expr: vector(1), labels: {severity: page, team: a}}
              - {alert: B, expr: vector(1), labels: {severity: info, team: b}}
              - {alert: C, expr: vector(1), labels: {severity: warning, team: c}}
              - {alert: D, expr: vector(1), labels: {severity: info, team: c}}
              - {alert: E, expr: vector(1), labels: {severity: info, team: z}}
            """;

    @TempDir
    Path dir;
    /** Per sender (am, vigil), the last message of each group key, as receiver / group key / labels / alerts. */
    private final Map<String, Map<String, String>> last = new ConcurrentHashMap<>();

    @Test
    void eachGroupReachesTheSameReceiverWithTheSameKeyFromBoth() throws Exception {
        References.require("prometheus-alertmanager");
        HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/", ex -> {
            String sender = ex.getRequestURI().getPath().split("/")[1];
            JsonNode m = JSON.readTree(ex.getRequestBody().readAllBytes());
            if (m.get("status").asText().equals("firing")) {
                TreeSet<String> alerts = new TreeSet<>();
                for (JsonNode a : m.get("alerts")) {
                    alerts.add(new TreeMap<>(JSON.convertValue(a.get("labels"), Map.class)) + " " + a.get("fingerprint").asText());
                }
                last.computeIfAbsent(sender, k -> new ConcurrentHashMap<>()).put(m.get("groupKey").asText(),
                        m.get("receiver").asText() + " " + m.get("groupLabels") + " " + alerts);
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hooks.start();
        int hookPort = hooks.getAddress().getPort();
        int amPort = Processes.freePort();
        Files.writeString(dir.resolve("am.yml"), TREE.formatted(hookPort, "am"));
        Files.writeString(dir.resolve("rules.yml"), RULES);
        Path config = dir.resolve("vigil.yml");
        Files.writeString(config, """
                global:
                  external_labels: {dc: test}
                rule_files: [rules.yml]
                alerting:
                  alertmanagers:
                  - static_configs: [{targets: ['127.0.0.1:%d']}]
                vigil:
                  notify:
                """.formatted(amPort) + TREE.formatted(hookPort, "vigil").indent(4));
        Process am = null;
        VigilServer vigil = null;
        try {
            am = Processes.start(List.of(ALERTMANAGER.toString(), "--config.file=" + dir.resolve("am.yml"),
                    "--storage.path=" + dir.resolve("am"), "--web.listen-address=127.0.0.1:" + amPort,
                    "--cluster.listen-address="), dir.resolve("am.log"), "http://127.0.0.1:" + amPort + "/-/ready",
                    Duration.ofSeconds(30));
            vigil = AlertingVigil.start(config, dir);
            Map<String, String> fromAm = await("am");
            Map<String, String> fromVigil = await("vigil");
            assertEquals(new TreeSet<>(List.of(
                    "{}/{severity=\"page\"}:{alertname=\"A\", team=\"a\"}",
                    "{}/{team=~\"a|b\"}:{alertname=\"A\"}",
                    "{}/{team=~\"a|b\"}:{alertname=\"B\"}",
                    "{}/{team=\"c\"}/{severity!=\"info\"}:{alertname=\"C\"}",
                    "{}/{team=\"c\"}:{alertname=\"D\"}",
                    "{}:{alertname=\"E\"}")), new TreeSet<>(fromAm.keySet()), "Alertmanager 0.25 itself: " + fromAm);
            assertEquals(new TreeMap<>(fromAm), new TreeMap<>(fromVigil));
        } finally {
            if (vigil != null) {
                vigil.close();
            }
            Processes.stop(am);
            hooks.stop(0);
        }
    }

    /** The sender's groups once all six have arrived and two more seconds (two group intervals) changed nothing. */
    private Map<String, String> await(String sender) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> m = last.getOrDefault(sender, Map.of());
            if (m.size() >= 6) {
                Map<String, String> before = new TreeMap<>(m);
                Thread.sleep(2000);
                if (before.equals(new TreeMap<>(m))) {
                    return new TreeMap<>(m);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("groups from " + sender + ": " + new ArrayList<>(last.getOrDefault(sender, Map.of()).entrySet()));
    }
}
