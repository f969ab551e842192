package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --push.labels=pushgateway-scrape} follows a reload ({@code POST /-/reload}; SIGHUP takes
 * the same path): the pushgateway job's target labels, {@code honor_labels} and
 * {@code metric_relabel_configs} as edited apply to the pushes after it, the series under the old
 * labels end at once (as Prometheus ends a replaced target's series), unchanged ones go on, and a
 * file without the job is refused while the previous labels stay.
 */
class PushLabelReloadTest {
    private static final String BODY = "records_in{task=\"map\"} 5\nheap 7\n";
    private static final String PUSHED = "{__name__=~\"records_in|heap|push_time_seconds\"}";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ScrapeComparison api = new ScrapeComparison();

    private static String before(int port) {
        return """
                scrape_configs:
                  - job_name: pushgateway
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels:
                          instance: 'pushgateway'
                          cluster: 'a'
                """.formatted(port);
    }

    private static String after(int port) {
        return """
                scrape_configs:
                  - job_name: pushgateway
                    honor_labels: true
                    static_configs:
                      - targets: ['localhost:%d']
                        labels:
                          instance: 'pushgateway'
                          cluster: 'b'
                    metric_relabel_configs:
                      - source_labels: [__name__]
                        regex: heap
                        action: drop
                """.formatted(port);
    }

    @Test
    void aReloadRelabelsLaterPushesAndEndsTheOldSeries() throws Exception {
        int pushPort = Processes.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, before(pushPort));
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:" + pushPort,
                "--push.labels=pushgateway-scrape", "--web.enable-lifecycle", "--storage.tsdb.path=" + dir.resolve("data"),
                "--config.file=" + config);
        VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
        try {
            String base = ScrapeComparison.baseUrl(vigil);
            push(pushPort);
            assertEquals(Set.of(
                    "{__name__=heap, cluster=a, exported_job=flink-tm, host=tm-1, instance=pushgateway, job=pushgateway}",
                    "{__name__=push_time_seconds, cluster=a, exported_job=flink-tm, host=tm-1, instance=pushgateway, job=pushgateway}",
                    "{__name__=records_in, cluster=a, exported_job=flink-tm, host=tm-1, instance=pushgateway, job=pushgateway, task=map}"),
                    api.values(base, PUSHED).keySet());

            Files.writeString(config, after(pushPort));
            assertEquals(200, reload(base).statusCode());
            // Before any new push: the series under the old labels ended with the reload.
            assertEquals(Set.of(), api.values(base, PUSHED).keySet());

            push(pushPort);
            // honor_labels: the pushed job wins, and the empty instance the gateway adds keeps the target's away;
            // heap is dropped by the metric relabelling.
            Set<String> relabelled = Set.of(
                    "{__name__=push_time_seconds, cluster=b, host=tm-1, job=flink-tm}",
                    "{__name__=records_in, cluster=b, host=tm-1, job=flink-tm, task=map}");
            assertEquals(relabelled, api.values(base, PUSHED).keySet());

            // A reload that changes nothing for these series leaves them alone.
            assertEquals(200, reload(base).statusCode());
            assertEquals(relabelled, api.values(base, PUSHED).keySet());

            // A file whose jobs no longer target the push port is refused whole; the labels stay.
            Files.writeString(config, after(pushPort + 1));
            HttpResponse<String> refused = reload(base);
            assertEquals(500, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("--push.labels=pushgateway-scrape needs a --config.file with a scrape job"), refused.body());
            push(pushPort);
            assertEquals(relabelled, api.values(base, PUSHED).keySet());
            assertEquals("5", api.values(base, "records_in{cluster=\"b\"}").values().iterator().next());
        } finally {
            vigil.close();
        }
    }

    private void push(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics/job/flink-tm/host/tm-1"))
                .PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, r.statusCode() / 100, r.statusCode() + " " + r.body());
    }

    private HttpResponse<String> reload(String base) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/-/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
