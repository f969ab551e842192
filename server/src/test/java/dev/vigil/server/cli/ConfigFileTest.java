package dev.vigil.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.scrape.ScrapeJob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scrape part of a Prometheus configuration file: defaults, settings and errors with their line. */
class ConfigFileTest {
    private static String error(String yaml) {
        return assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse(yaml, "p.yml")).getMessage();
    }

    @Test
    void defaultsAreAsPrometheus() {
        ScrapeJob j = ConfigFile.parse("scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [a:9100]\n", "p.yml")
                .scrapeJobs().get(0);
        assertEquals(60_000, j.intervalMs());
        assertEquals(10_000, j.timeoutMs());
        assertEquals("http", j.scheme());
        assertEquals("/metrics", j.metricsPath());
        assertEquals(false, j.honorLabels());
        assertEquals(true, j.honorTimestamps());
        assertEquals(List.of(new ScrapeJob.StaticGroup(List.of("a:9100"), Map.of())), j.groups());
    }

    @Test
    void relabelConfigsAreRead() {
        ScrapeJob j = ConfigFile.parse("""
                scrape_configs:
                  - job_name: a
                    relabel_configs:
                      - source_labels: [__address__, job]
                        separator: '|'
                        regex: '(.*)'
                        modulus: 18446744073709551615
                        target_label: shard
                        action: HashMod
                    metric_relabel_configs:
                      - action: labeldrop
                        regex: tmp_.*
                """, "p.yml").scrapeJobs().get(0);
        assertEquals(List.of(new dev.vigil.ingest.relabel.RelabelConfig(List.of("__address__", "job"), "|", "(.*)", -1L,
                "shard", null, "HashMod")), j.relabelConfigs().configs());
        assertEquals(List.of(dev.vigil.ingest.relabel.RelabelConfig.of("labeldrop").withRegex("tmp_.*")),
                j.metricRelabelConfigs().configs());
    }

    @Test
    void everySupportedSettingIsRead() {
        ScrapeJob j = ConfigFile.parse("""
                global:
                  scrape_interval: 30s
                  scrape_timeout: 20s
                scrape_configs:
                  - job_name: pg
                    honor_labels: true
                    honor_timestamps: false
                    scrape_interval: 15s
                    metrics_path: /probe
                    scheme: https
                    params:
                      module: [http_2xx, tcp]
                    sample_limit: 1000
                    body_size_limit: 10MB
                    basic_auth:
                      username: u
                      password: p
                    static_configs:
                      - targets: ['h1:9091', 'h2:9091']
                        labels:
                          env: prod
                """, "p.yml").scrapeJobs().get(0);
        assertEquals(15_000, j.intervalMs());
        assertEquals(15_000, j.timeoutMs(), "the global timeout is capped by the job's interval");
        assertEquals("https", j.scheme());
        assertEquals("/probe", j.metricsPath());
        assertEquals(Map.of("module", List.of("http_2xx", "tcp")), j.params());
        assertEquals(true, j.honorLabels());
        assertEquals(false, j.honorTimestamps());
        assertEquals(1000, j.sampleLimit());
        assertEquals(10L << 20, j.bodySizeLimit());
        assertEquals("Basic dTpw", j.headers().get("Authorization"));
        assertEquals(List.of(new ScrapeJob.StaticGroup(List.of("h1:9091", "h2:9091"), Map.of("env", "prod"))), j.groups());
    }

    @Test
    void errorsNameTheLine() {
        assertEquals("p.yml:3: field scrape_intervall not found in type config.ScrapeConfig",
                error("scrape_configs:\n  - job_name: a\n    scrape_intervall: 1s\n"));
        assertEquals("p.yml:3: not a valid duration string: \"1 minute\"",
                error("scrape_configs:\n  - job_name: a\n    scrape_interval: 1 minute\n"));
        assertEquals("p.yml:3: scrape timeout greater than scrape interval for scrape config with job name \"a\"",
                error("scrape_configs:\n  - job_name: a\n    scrape_timeout: 2m\n"));
        assertEquals("p.yml:4: found multiple scrape configs with job name \"a\"",
                error("scrape_configs:\n  - job_name: a\n\n  - job_name: a\n"));
        assertEquals("p.yml:3: proxy_url is not supported by Vigil's scraping",
                error("scrape_configs:\n  - job_name: a\n    proxy_url: http://p:3128\n"));
        assertTrue(error("scrape_configs:\n  - job_name: a\n    tls_config: {ca_file: /nonexistent/ca.pem}\n")
                .startsWith("p.yml:3: tls_config: "));
        assertEquals("p.yml:5: relabel configuration for replace action requires 'target_label' value",
                error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: keep\n      - source_labels: [a]\n"));
        assertEquals("p.yml:4: \"a-b\" is invalid 'target_label' for hashmod action",
                error("scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - {action: hashmod, modulus: 2, target_label: a-b}\n"));
        assertEquals("p.yml:4: empty or null metric relabeling rule in scrape config",
                error("scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      -\n"));
        assertEquals("p.yml:4: field regexp not found in type relabel.Config",
                error("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regexp: x\n"));
        assertEquals("p.yml:3: field consul_sd_configs not found in type config.ScrapeConfig",
                error("scrape_configs:\n  - job_name: a\n    consul_sd_configs: []\n"));
        assertEquals("p.yml:4: path name \"targets.txt\" is not valid for file discovery",
                error("scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [targets.txt]\n"));
        assertEquals("p.yml:4: \"http://a:1/metrics\" is not a valid target address (host:port)",
                error("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['http://a:1/metrics']\n"));
        assertEquals("p.yml:3: unsupported scheme \"ftp\" for scrape config with job name \"a\"",
                error("scrape_configs:\n  - job_name: a\n    scheme: ftp\n"));
        assertEquals("p.yml:3: empty or null alert relabeling rule",
                error("alerting:\n  alert_relabel_configs:\n    -\n"));
        assertEquals("p.yml:3: relabel configuration for replace action requires 'target_label' value",
                error("alerting:\n  alert_relabel_configs:\n    - source_labels: [a]\n"));
        assertEquals("p.yml:5: empty or null Alertmanager target relabeling rule",
                error("alerting:\n  alertmanagers:\n  - static_configs: [{targets: [a:1]}]\n    relabel_configs:\n    -\n"));
        assertEquals("p.yml:2: job_name is empty", error("scrape_configs:\n  - scrape_interval: 1s\n"));
        assertEquals("p.yml:2: expected a list, found a mapping", error("scrape_configs:\n  job_name: a\n"));
        assertEquals("p.yml:2: mapping values are not allowed here", error("global:\n  a: b: c\n").replaceAll("\\s+$", ""));
    }
}
