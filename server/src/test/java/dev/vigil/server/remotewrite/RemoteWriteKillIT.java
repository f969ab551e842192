package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.push.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, remote-writing to the real VictoriaMetrics and Prometheus, is killed with
 * {@code kill -9} while VictoriaMetrics is down and samples wait to be sent; after both come back
 * every sample Vigil acknowledged is in both receivers, value for value (samples sent just before
 * the kill go out again: the same sample twice, which both take as harmless).
 */
class RemoteWriteKillIT {
    @TempDir
    Path dir;

    @Test
    void everySampleArrivesAfterKillNine() throws Exception {
        Path jar = Path.of(System.getProperty("vigil.jar", "target/vigil.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn package first");
        int vmPort = Processes.freePort();
        int promPort = Processes.freePort();
        String vm = "http://127.0.0.1:" + vmPort;
        String prom = "http://127.0.0.1:" + promPort;
        Process vmProc = Receivers.victoria(dir, vmPort);
        Process promProc = Receivers.prometheus(dir, promPort);
        Process vigilProc = null;
        int web = Processes.freePort();
        String vigil = "http://127.0.0.1:" + web;
        Path cfg = dir.resolve("vigil.yml");
        Files.writeString(cfg, RemoteWriteReceiversTest.config(vm, prom));
        try {
            vigilProc = startVigil(jar, web, cfg, "run1.log");
            RemoteWriteReceiversTest.Pusher pusher = new RemoteWriteReceiversTest.Pusher(vigil);
            pusher.start();
            pusher.awaitPushes(40);
            Processes.stop(vmProc);
            pusher.awaitPushes(pusher.pushes() + 60);
            pusher.stop();
            String before = RemoteWriteReceiversTest.metrics(vigil);
            assertTrue(RemoteWriteReceiversTest.value(before, "prometheus_remote_storage_samples_pending", "vm") > 0
                    || RemoteWriteReceiversTest.value(before, "prometheus_remote_storage_samples_retried_total", "vm") > 0, before);
            vigilProc.destroyForcibly().waitFor();

            vmProc = Receivers.victoria(dir, vmPort);
            vigilProc = startVigil(jar, web, cfg, "run2.log");
            pusher = new RemoteWriteReceiversTest.Pusher(vigil);
            pusher.start();
            pusher.awaitPushes(30);
            pusher.stop();
            RemoteWriteReceiversTest.awaitSent(vigil, "vm");
            RemoteWriteReceiversTest.awaitSent(vigil, "prom");
            Receivers.flushVictoria(vm);

            String sel = "{job=\"rw\"}";
            Map<String, Map<Long, Double>> expected = new TreeMap<>(Receivers.rawViaQuery(vigil, sel, 3600, Map.of("dc", "eu1")));
            expected.keySet().removeIf(k -> k.contains("__name__=rw_dropped"));
            assertTrue(Receivers.count(expected) > 1000, "stored " + Receivers.count(expected));
            assertEquals(expected, Receivers.whenEqual(expected, () -> Receivers.rawViaQuery(prom, sel, 3600, Map.of())),
                    "Prometheus differs from Vigil");
            assertEquals(expected, Receivers.whenEqual(expected, () -> {
                Receivers.flushVictoria(vm);
                return Receivers.rawViaExport(vm, sel);
            }), "VictoriaMetrics differs from Vigil");
        } finally {
            if (vigilProc != null) {
                vigilProc.destroyForcibly().waitFor();
            }
            Processes.stop(vmProc);
            Processes.stop(promProc);
        }
    }

    private Process startVigil(Path jar, int web, Path cfg, String log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Processes.start(List.of(java, "-jar", jar.toString(), "--web.listen-address=127.0.0.1:" + web,
                "--push.listen-address=", "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + cfg),
                dir.resolve(log), "http://127.0.0.1:" + web + "/-/ready", Duration.ofSeconds(120));
    }
}
