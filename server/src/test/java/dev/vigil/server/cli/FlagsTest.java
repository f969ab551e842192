package dev.vigil.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlagsTest {
    @Test
    void defaultsAreExplicit() throws Exception {
        ServerConfig c = Flags.parse();
        assertEquals(":9090", c.webListen());
        assertEquals(":9091", c.pushListen());
        assertEquals("data/", c.dataDir());
        assertEquals(180L * 86_400_000, c.retentionMs());
        assertEquals(0, c.retentionBytes());
        assertEquals(-1, c.outOfOrderWindowMs());
        assertEquals(300_000, c.lookbackDeltaMs());
        assertEquals(120_000, c.queryTimeoutMs());
        assertEquals(50_000_000, c.queryMaxSamples());
        assertEquals(20, c.queryMaxConcurrency());
        assertFalse(c.enableLifecycle());
        assertEquals("180d", c.flags().get("storage.tsdb.retention.time"));
        assertEquals(new PushFlags(64L << 20, 1_000_000, 1024, 16_384, 64, true, 0), c.push());
    }

    @Test
    void pushLimits() throws Exception {
        ServerConfig c = Flags.parse("--push.max-body-size=512KB", "--push.max-series-per-push=0", "--push.max-label-name-length=100",
                "--push.max-label-value-length", "200", "--push.max-labels-per-series=30", "--push.disable-consistency-check",
                "--import.max-body-size=10GB");
        assertEquals(new PushFlags(512L << 10, 0, 100, 200, 30, false, 10L << 30), c.push());
        assertEquals("true", c.flags().get("push.disable-consistency-check"));
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--push.max-body-size=lots")).getMessage()
                .contains("--push.max-body-size"));
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--import.max-body-size=lots")).getMessage()
                .contains("--import.max-body-size"));
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--push.max-labels-per-series=-1")).getMessage()
                .contains("--push.max-labels-per-series"));
    }

    @Test
    void bothSpellingsAndSwitches() throws Exception {
        ServerConfig c = Flags.parse("--storage.tsdb.path", "/var/lib/vigil", "--storage.tsdb.retention.size=10GB",
                "--web.enable-lifecycle", "--web.enable-admin-api=true", "--push.listen-address=", "--query.timeout=30s",
                "--storage.tsdb.out-of-order-time-window=0s");
        assertEquals("/var/lib/vigil", c.dataDir());
        assertEquals(10L << 30, c.retentionBytes());
        assertTrue(c.enableLifecycle());
        assertTrue(c.enableAdminApi());
        assertEquals("", c.pushListen());
        assertEquals(30_000, c.queryTimeoutMs());
        assertEquals(0, c.outOfOrderWindowMs());
        assertFalse(Flags.parse("--web.enable-lifecycle", "--no-web.enable-lifecycle").enableLifecycle());
        assertEquals(512L << 20, Flags.parse("--storage.tsdb.retention.size=512MB").retentionBytes());
        assertEquals(1L << 40, Flags.parse("--storage.tsdb.retention.size=1TiB").retentionBytes());
    }

    @Test
    void errorsNameTheFlag() {
        assertEquals("unknown long flag '--storage.tsdb.no-lockfile', try --help",
                assertThrows(UsageException.class, () -> Flags.parse("--storage.tsdb.no-lockfile")).getMessage());
        assertEquals("invalid value '10 days' for flag '--storage.tsdb.retention.time': expected a duration such as 15s, 5m, 180d",
                assertThrows(UsageException.class, () -> Flags.parse("--storage.tsdb.retention.time=10 days")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--storage.tsdb.retention.size=12"))
                .getMessage().contains("--storage.tsdb.retention.size"));
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--web.listen-address=9090"))
                .getMessage().contains("--web.listen-address"));
        assertEquals("expected argument for flag '--config.file'",
                assertThrows(UsageException.class, () -> Flags.parse("--config.file")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--web.enable-lifecycle=yes"))
                .getMessage().contains("--web.enable-lifecycle"));
        assertTrue(assertThrows(UsageException.class, () -> Flags.parse("--query.max-concurrency=0"))
                .getMessage().contains("--query.max-concurrency"));
        assertEquals("unexpected argument 'serve', try --help",
                assertThrows(UsageException.class, () -> Flags.parse("serve")).getMessage());
    }

    @Test
    void configFileChecksTopLevelKeysAndDurations() {
        ConfigFile.Loaded ok = ConfigFile.parse("# comment\nglobal:\n  scrape_interval: 15s\n  evaluation_interval: 5s\n"
                + "  external_labels: {dc: eu}\nscrape_configs:\n  - job_name: x\nrule_files: [a.yml, 'r/*.yml']\nremote_write: []\nremote_read: []\n"
                + "alerting:\n  alertmanagers:\n  - path_prefix: /am\n    timeout: 3s\n    static_configs: [{targets: ['h:9093', 'i:9093']}]\n",
                "p.yml");
        assertEquals(java.util.List.of("remote_read"), ok.ignored());
        assertEquals("http://i:9093/am/api/v2/alerts", ok.alertmanagers().get(1).url());
        assertEquals(3_000, ok.alertmanagers().get(0).timeoutMs());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse(
                "alerting:\n  alertmanagers:\n  - api_version: v1\n", "p.yml")).getMessage().startsWith("p.yml:3: api_version v1"));
        assertEquals(java.util.List.of("a.yml", "r/*.yml"), ok.ruleFiles());
        assertEquals(5_000, ok.evaluationIntervalMs());
        assertEquals(java.util.Map.of("dc", "eu"), ok.externalLabels());
        assertEquals("x", ok.scrapeJobs().get(0).name());
        assertEquals(15_000, ok.scrapeJobs().get(0).intervalMs());
        assertEquals("p.yml:2: field globl not found in type config.plain",
                assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse("\nglobl:\n", "p.yml")).getMessage());
        assertEquals("p.yml:2: not a valid duration string: \"15 s\"",
                assertThrows(IllegalArgumentException.class,
                        () -> ConfigFile.parse("global:\n  scrape_interval: '15 s'\n", "p.yml")).getMessage());
    }
}
