package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file_sd_configs} in Vigil and in the real Prometheus 2.42, reading the same JSON and YAML
 * target files through a relative pattern, with relabelling on {@code __meta_filepath}: the same
 * targets (active and dropped) and series, and again after a file is edited.
 */
class FileSdAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");

    @TempDir
    Path dir;

    private final ScrapeComparison api = new ScrapeComparison();

    @Test
    void sameTargetsAndSeriesAsPrometheusBeforeAndAfterAnEdit() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(NODE_EXPORTER),
                "prometheus and prometheus-node-exporter must be installed");
        int nodePort = Processes.freePort();
        int promPort = Processes.freePort();
        int dead = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            procs.add(ScrapeComparison.startNodeExporter(NODE_EXPORTER, dir, nodePort, "loadavg", "uname"));
            Path targets = Files.createDirectories(dir.resolve("targets"));
            Files.writeString(targets.resolve("nodes.json"), """
                    [{"targets": ["127.0.0.1:%d"], "labels": {"role": "tm", "__meta_rack": "r1"}},
                     {"targets": ["127.0.0.1:%d"], "labels": {"role": "retired"}}]
                    """.formatted(nodePort, dead));
            Files.writeString(targets.resolve("more.yml"), """
                    - targets: ['localhost:%d']
                      labels:
                        role: jm
                    """.formatted(nodePort));
            Files.writeString(targets.resolve("ignored.txt"), "not a target file");
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: files
                        file_sd_configs:
                          - files: ['targets/*.json', 'targets/*.yml']
                            refresh_interval: 1s
                        relabel_configs:
                          - source_labels: [role]
                            regex: retired
                            action: drop
                          - source_labels: [__meta_filepath]
                            regex: '.*/([^/]+)\\.(json|yml)'
                            target_label: source
                          - action: labelmap
                            regex: '__meta_(rack)'
                        metric_relabel_configs:
                          - source_labels: [__name__]
                            regex: 'node_load1|node_uname_info|up'
                            action: keep
                    """);
            procs.add(ScrapeComparison.startPrometheus(PROMETHEUS, config, dir, promPort));
            vigil = ScrapeComparison.startVigil(config, dir);
            String v = ScrapeComparison.baseUrl(vigil);
            String p = ScrapeComparison.baseUrl(promPort);
            api.awaitScraped(p, 2);
            api.awaitScraped(v, 2);
            Thread.sleep(3_000);
            api.assertSameTargetsDroppedAndSeries(p, v, "files", 1);

            // An edit: a new label on the JSON group, the YAML file's target retired.
            Files.writeString(targets.resolve("nodes.json"), """
                    [{"targets": ["127.0.0.1:%d"], "labels": {"role": "tm", "zone": "b"}},
                     {"targets": ["127.0.0.1:%d"], "labels": {"role": "retired"}}]
                    """.formatted(nodePort, dead));
            Files.writeString(targets.resolve("more.yml"), "- targets: ['localhost:%d']\n  labels: {role: retired}\n"
                    .formatted(nodePort));
            api.awaitOneActiveTargetShowing(p, "\"zone\":\"b\"");
            api.awaitOneActiveTargetShowing(v, "\"zone\":\"b\"");
            api.awaitScraped(p, 1);
            api.awaitScraped(v, 1);
            assertEquals(api.targets(p), api.targets(v));
            assertEquals(api.dropped(p), api.dropped(v));
        } finally {
            ScrapeComparison.stop(vigil, procs);
        }
    }
}
