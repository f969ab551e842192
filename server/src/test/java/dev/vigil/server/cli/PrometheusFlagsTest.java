package dev.vigil.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.server.VigilServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Prometheus 2.42 flag is accepted; a typical Prometheus systemd unit's flag line starts Vigil. */
class PrometheusFlagsTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    /** Flags 2.42 accepts but does not list in --help (checked by hand against the binary). */
    private static final List<String> HIDDEN = List.of("storage.tsdb.min-block-duration", "storage.tsdb.max-block-duration",
            "storage.tsdb.max-block-chunk-segment-size", "storage.tsdb.wal-segment-size", "storage.tsdb.allow-overlapping-blocks",
            "storage.tsdb.wal-compression", "storage.agent.wal-segment-size", "storage.agent.wal-truncate-frequency",
            "alertmanager.timeout", "scrape.adjust-timestamps", "scrape.timestamp-tolerance", "scrape.discovery-reload-interval");
    /** Values that pass Vigil's checks for the flags that act. */
    private static final Map<String, String> SAMPLE = Map.ofEntries(Map.entry("web.listen-address", "127.0.0.1:0"),
            Map.entry("storage.tsdb.retention.time", "15d"), Map.entry("storage.tsdb.retention", "15d"),
            Map.entry("storage.tsdb.retention.size", "10GB"), Map.entry("query.lookback-delta", "5m"),
            Map.entry("query.timeout", "2m"), Map.entry("query.max-concurrency", "20"), Map.entry("query.max-samples", "50000000"),
            Map.entry("log.level", "info"), Map.entry("web.external-url", "http://mon.example:9090/"),
            Map.entry("web.route-prefix", "/"), Map.entry("web.max-connections", "512"),
            Map.entry("storage.remote.read-concurrent-limit", "10"), Map.entry("storage.remote.read-max-bytes-in-frame", "1048576"),
            Map.entry("storage.remote.read-sample-limit", "50000000"));

    @TempDir
    Path dir;

    @Test
    void everyFlagOfPrometheusHelpIsAccepted() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus must be installed");
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        TreeSet<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+(?:-h, )?--([a-z0-9.-]*[a-z0-9])(?=[=\\s]|$)").matcher(help);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(names.size() >= 45, names::toString);
        names.addAll(HIDDEN);
        List<String> refused = new ArrayList<>();
        for (String name : names) {
            if (name.equals("help") || name.equals("version")) {
                continue;
            }
            // Prometheus's help shows a switch without "=".
            boolean bool = !Pattern.compile("--" + Pattern.quote(name) + "=").matcher(help).find() && !HIDDEN.contains(name)
                    || List.of("storage.tsdb.allow-overlapping-blocks", "storage.tsdb.wal-compression", "scrape.adjust-timestamps")
                            .contains(name);
            String arg = "--" + name + (bool ? "" : "=" + SAMPLE.getOrDefault(name, "1m"));
            try {
                Flags.parse(arg);
            } catch (UsageException e) {
                refused.add(arg + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), refused);
    }

    @Test
    void aPrometheusSystemdUnitsFlagLineStartsVigil() throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 15s\n");
        ServerConfig cfg = Flags.parse("--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:0", "--push.listen-address=", "--web.enable-lifecycle",
                "--storage.tsdb.retention.time=180d", "--web.console.templates=/etc/prometheus/consoles",
                "--web.console.libraries", "/etc/prometheus/console_libraries", "--enable-feature=memory-snapshot-on-shutdown",
                "--enable-feature=expand-external-labels", "--storage.tsdb.wal-compression", "--web.enable-remote-write-receiver",
                "--web.external-url=http://mon.example:9090/prom/");
        assertEquals(List.of("--enable-feature=memory-snapshot-on-shutdown,expand-external-labels",
                "--storage.tsdb.wal-compression", "--web.console.libraries=/etc/prometheus/console_libraries",
                "--web.console.templates=/etc/prometheus/consoles"),
                Flags.ignoredGiven(cfg));
        assertEquals(180L * 86_400_000, cfg.retentionMs());
        assertTrue(cfg.enableLifecycle());
        assertEquals("/prom", Flags.routePrefix(cfg));
        VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
        try {
            String base = "http://127.0.0.1:" + vigil.webAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, status(http, base + "/prom/api/v1/status/buildinfo"));
            assertEquals(200, status(http, base + "/prom/-/healthy"));
            assertEquals(404, status(http, base + "/api/v1/status/buildinfo"), "outside the prefix");
            HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(302, root.statusCode());
            assertEquals("/prom", root.headers().firstValue("Location").orElse(""));
            HttpResponse<String> q = http.send(HttpRequest.newBuilder(URI.create(base + "/prom/api/v1/query?query=1%2B1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(q.body().contains("\"2\""), q.body());
            HttpResponse<String> push = http.send(HttpRequest.newBuilder(URI.create(base + "/prom/metrics/job/j"))
                    .PUT(HttpRequest.BodyPublishers.ofString("a 1\n")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, push.statusCode(), push.body());
            assertEquals(200, status(http, base + "/prom/-/reload", "POST"), "--web.enable-lifecycle acts");
        } finally {
            vigil.close();
        }
    }

    @Test
    void routePrefixAndExternalUrl() throws Exception {
        assertEquals("/", Flags.routePrefix(Flags.parse()));
        assertEquals("/a/b", Flags.routePrefix(Flags.parse("--web.route-prefix=a/b/")));
        assertEquals("/x", Flags.routePrefix(Flags.parse("--web.external-url=https://h/ignored", "--web.route-prefix=/x")));
        assertEquals("/", Flags.routePrefix(Flags.parse("--web.external-url=http://h:9090")));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> Flags.parse("--web.external-url='http://h/'")).getMessage().contains("quotes"));
        // The deprecated retention flag acts unless the new one is given.
        assertEquals(15L * 86_400_000, Flags.parse("--storage.tsdb.retention=15d").retentionMs());
        assertEquals(86_400_000, Flags.parse("--storage.tsdb.retention=15d", "--storage.tsdb.retention.time=1d").retentionMs());
        assertTrue(Flags.parse("--help-long").help());
        assertEquals(List.of("--storage.tsdb.wal-compression=false"), Flags.ignoredGiven(Flags.parse("--no-storage.tsdb.wal-compression")));
    }

    private static int status(HttpClient http, String url) throws IOException, InterruptedException {
        return status(http, url, "GET");
    }

    private static int status(HttpClient http, String url, String method) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
