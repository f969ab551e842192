package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Vigil whose TaskManagerDown rule fires while the pushed gauge {@code cond} is 1, for notifier tests. */
final class AlertingVigil {
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * Writes {@code rules.yml} (TaskManagerDown on {@code cond == 1}, severity page, evaluated
     * every second, with {@code summary}) and {@code vigil.yml} reading it, with external label
     * dc=test and {@code tail} (its alerting or notify section) appended; returns the config.
     */
    static Path writeConfig(Path dir, String summary, String tail) throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                - name: push
                  interval: 1s
                  rules:
                  - alert: TaskManagerDown
                    expr: cond == 1
                    labels: {severity: page}
                    annotations: {summary: "%s"}
                """.formatted(summary));
        Path config = dir.resolve("vigil.yml");
        Files.writeString(config, """
                global:
                  evaluation_interval: 1s
                  external_labels: {dc: test}
                rule_files: [rules.yml]
                """ + tail);
        return config;
    }

    /** Starts Vigil on {@code config} with external URL http://vigil.test:9090/ and no push port. */
    static VigilServer start(Path config, Path dir) throws Exception {
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("vigil"), "--config.file=" + config,
                "--web.external-url=http://vigil.test:9090/");
        return VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
    }

    /** Pushes {@code body} as job flink to Vigil's web port, asserting a 2xx. */
    void push(String base, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics/job/flink"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    }
}
