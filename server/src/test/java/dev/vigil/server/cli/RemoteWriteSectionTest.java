package dev.vigil.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.remotewrite.RemoteWriteConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code remote_write} is read with Prometheus 2.42's fields, defaults and checks, and its secrets never shown. */
class RemoteWriteSectionTest {
    @Test
    void defaultsAreThoseOfPrometheus242() {
        List<RemoteWriteConfig> rw = RemoteWriteSection.parse("remote_write:\n  - url: http://a:8428/api/v1/write\n", "p.yml");
        assertEquals(1, rw.size());
        RemoteWriteConfig c = rw.get(0);
        assertEquals(RemoteWriteConfig.Queue.DEFAULT, c.queue());
        assertEquals(new RemoteWriteConfig.Queue(2500, 1, 200, 500, 5_000, 30, 5_000, false), c.queue());
        assertEquals(30_000, c.remoteTimeoutMs());
        assertEquals(RemoteWriteConfig.Metadata.DEFAULT, c.metadata());
        assertEquals(6, c.name().length(), "an unnamed remote is named by a hash, as Prometheus does");
        assertEquals(c.name(), RemoteWriteSection.parse("remote_write:\n  - url: http://a:8428/api/v1/write\n", "q.yml").get(0).name());
    }

    @Test
    void everyFieldIsRead() {
        String text = """
                remote_write:
                  - url: https://user:pw@b:9090/api/v1/write
                    name: mimir
                    remote_timeout: 10s
                    headers:
                      X-Scope-OrgID: flink
                    authorization:
                      credentials: s3cret
                    queue_config:
                      capacity: 10000
                      min_shards: 2
                      max_shards: 50
                      max_samples_per_send: 2000
                      batch_send_deadline: 2s
                      min_backoff: 50ms
                      max_backoff: 10s
                      retry_on_http_429: true
                    metadata_config:
                      send: false
                      send_interval: 30s
                    write_relabel_configs:
                      - action: labeldrop
                        regex: tm_id
                """;
        RemoteWriteConfig c = RemoteWriteSection.parse(text, "p.yml").get(0);
        assertEquals("mimir", c.name());
        assertEquals(10_000, c.remoteTimeoutMs());
        assertEquals(new RemoteWriteConfig.Queue(10000, 2, 50, 2000, 2000, 50, 10_000, true), c.queue());
        assertEquals(new RemoteWriteConfig.Metadata(false, 30_000, 500), c.metadata());
        assertEquals("flink", c.headers().get("X-Scope-OrgID"));
        assertEquals("Bearer s3cret", c.headers().get("Authorization"));
        assertFalse(c.writeRelabel().isEmpty());
        assertEquals("https://b:9090/api/v1/write", c.displayUrl());
        assertFalse(c.toString().contains("s3cret") || c.toString().contains("pw"), c.toString());
        String shown = ConfigRedaction.redact(text);
        assertTrue(shown.contains("credentials: <secret>") && !shown.contains("s3cret"), shown);
    }

    @Test
    void mistakesAreNamedAtTheirLine() {
        assertMessage("remote_write:\n  - url: http://a/\n    headers:\n      Content-Encoding: gzip\n",
                "p.yml:4: Content-Encoding is a reserved header. It must not be changed");
        assertMessage("remote_write:\n  - url: http://a/\n    sigv4:\n      region: eu\n",
                "p.yml:3: sigv4 is not supported by Vigil's remote write");
        assertMessage("remote_write:\n  - name: x\n", "p.yml:2: url for remote_write is empty");
        assertMessage("remote_write:\n  - url: http://a/\n    queue_config:\n      min_shards: 5\n      max_shards: 2\n",
                "p.yml:3: queue_config: min_shards 5 is above max_shards 2");
        assertMessage("remote_write:\n  - url: http://a/\n    queue_config:\n      capacitty: 5\n",
                "p.yml:4: field capacitty not found in type config.QueueConfig");
        assertMessage("remote_write:\n  - url: http://a/\n    name: x\n  - url: http://b/\n    name: x\n",
                "p.yml:4: found multiple remote write configs with job name \"x\"");
        assertMessage("remote_write:\n  - url: ftp://a/\n", "p.yml:2: URL scheme must be 'http' or 'https' and the URL must name a host");
    }

    @Test
    void theConfigFileChecksTheSectionToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigFile.parse("remote_write:\n  - url: http://a/\n    remote_timeout: soon\n", "p.yml"));
        assertEquals("p.yml:3: not a valid duration string: \"soon\"", e.getMessage());
        assertFalse(ConfigFile.parse("remote_write:\n  - url: http://a/\n", "p.yml").ignored().contains("remote_write"));
    }

    private static void assertMessage(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteWriteSection.parse(text, "p.yml"));
        assertEquals(message, e.getMessage());
    }
}
