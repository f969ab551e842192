package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.push.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil and the real Prometheus 2.42 read one configuration whose {@code relabel_configs} and
 * {@code metric_relabel_configs} use every action, and scrape the same real node_exporter: the
 * series (label sets) they store and the targets they list, active and dropped, must be equal.
 */
class RelabelAgainstPrometheusTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");

    @TempDir
    Path dir;

    private final ScrapeComparison api = new ScrapeComparison();

    @Test
    void sameSeriesAndTargetsAsPrometheus() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(NODE_EXPORTER),
                "prometheus and prometheus-node-exporter must be installed");
        int nodePort = Processes.freePort();
        int promPort = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer vigil = null;
        try {
            procs.add(ScrapeComparison.startNodeExporter(NODE_EXPORTER, dir, nodePort, "loadavg", "meminfo", "cpu", "uname"));
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: node
                        static_configs:
                          - targets: ['127.0.0.1:%1$d', '127.0.0.1:%2$d']
                            labels: {__meta_rack: r1, rack_expected: r1, env: Prod-Süd}
                          - targets: ['127.0.0.2:%1$d']
                            labels: {__meta_rack: r1, rack_expected: r2}
                          - targets: ['localhost:%1$d']
                            labels: {__meta_rack: r1, rack_expected: r1, blocked_host: localhost}
                          - targets: ['127.0.0.3:%1$d']
                            labels: {__meta_rack: r1, rack_expected: r1, __scheme__: https}
                        relabel_configs:
                          - source_labels: [__address__]
                            regex: '127\\.0\\.0\\.1:%2$d'
                            action: drop
                          - source_labels: [__meta_rack]
                            target_label: rack_expected
                            action: keepequal
                          - source_labels: [__address__]
                            regex: '([^:]+):.*'
                            target_label: __tmp_host
                          - source_labels: [__tmp_host]
                            target_label: blocked_host
                            action: dropequal
                          - source_labels: [__scheme__]
                            regex: http
                            action: keep
                          - action: labelmap
                            regex: '__meta_(.*)'
                            replacement: 'meta_${1}'
                          - source_labels: [env]
                            target_label: env_lc
                            action: lowercase
                          - source_labels: [env]
                            target_label: env_uc
                            action: uppercase
                          - source_labels: [__address__, job]
                            separator: '/'
                            modulus: 8
                            target_label: shard
                            action: hashmod
                          - source_labels: [__tmp_host, missing]
                            regex: '(.+);'
                            target_label: host_${1}
                            replacement: '$1x-${1}x-$$'
                          - action: labeldrop
                            regex: 'rack_expected|env'
                          - action: labelkeep
                            regex: '__.*|job|instance|host_.*|shard|env_.*|meta_.*'
                        metric_relabel_configs:
                          - source_labels: [__name__]
                            regex: 'node_(load1|load5|memory_MemTotal_bytes|cpu_seconds_total|uname_info|boot_time_seconds)'
                            action: keep
                          - target_label: __tmp_idle
                            replacement: 'idle;node_cpu_seconds_total'
                          - source_labels: [mode, __name__]
                            target_label: __tmp_idle
                            action: dropequal
                          - source_labels: [__name__, mode]
                            regex: 'node_cpu_seconds_total;(steal|guest.*|irq|softirq)'
                            action: drop
                          - source_labels: [cpu]
                            regex: '(.*)'
                            target_label: core
                            replacement: 'cpu-$1'
                          - action: labeldrop
                            regex: 'cpu|__tmp.*'
                          - source_labels: [sysname]
                            target_label: sys
                            action: lowercase
                          - source_labels: [mode]
                            target_label: MODE
                            action: uppercase
                          - source_labels: [__name__]
                            modulus: 3
                            target_label: bucket
                            action: hashmod
                          - action: labelmap
                            regex: '(machine|release)'
                            replacement: 'uname_$1'
                          - source_labels: [job]
                            target_label: job
                            action: keepequal
                      - job_name: filtered
                        params:
                          'collect[]': [loadavg]
                        static_configs:
                          - targets: ['localhost:%1$d']
                        # The first rule adds a label: Prometheus 2.42 writes the output of a rule that
                        # only changes labels into the array of the discovered labels, so its
                        # discoveredLabels would show them relabelled (fixed in 2.43; Vigil shows them as
                        # discovered).
                        relabel_configs:
                          - target_label: instance
                            replacement: renamed
                          - target_label: __scrape_interval__
                            replacement: 2s
                          - source_labels: [__address__]
                            regex: 'localhost:(.*)'
                            target_label: __address__
                            replacement: '127.0.0.1:$1'
                    """.formatted(nodePort, Processes.freePort()));
            procs.add(ScrapeComparison.startPrometheus(PROMETHEUS, config, dir, promPort));
            vigil = ScrapeComparison.startVigil(config, dir);
            String v = ScrapeComparison.baseUrl(vigil);
            String p = ScrapeComparison.baseUrl(promPort);
            api.awaitScraped(p, 2);
            api.awaitScraped(v, 2);
            Thread.sleep(3_000);

            Map<String, String> promTargets = api.targets(p);
            assertEquals(2, promTargets.size(), promTargets::toString);
            assertEquals(promTargets, api.targets(v));
            TreeSet<String> promDropped = api.dropped(p);
            assertEquals(4, promDropped.size(), promDropped::toString);
            assertEquals(promDropped, api.dropped(v));

            long now = System.currentTimeMillis() / 1000;
            for (String job : List.of("node", "filtered")) {
                TreeSet<String> ps = api.series(p, "{job=\"" + job + "\"}", now);
                TreeSet<String> vs = api.series(v, "{job=\"" + job + "\"}", now);
                assertTrue(ps.size() > 5, job + ": " + ps);
                assertEquals(ps, vs, job);
            }
        } finally {
            ScrapeComparison.stop(vigil, procs);
        }
    }
}
