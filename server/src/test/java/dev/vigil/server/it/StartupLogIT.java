package dev.vigil.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user sees when the packaged jar starts: the libraries' own logging (the map library
 * logs through SLF4J) comes out in Vigil's log format, never as SLF4J's complaints about a missing
 * binding, and at the default level no library announces itself.
 */
class StartupLogIT {
    /** The map library's first line when it loads, as our formatter writes it. */
    private static final Pattern MAP_LIBRARY_LINE =
            Pattern.compile("ts=\\S+ level=info logger=Jvm msg=\"Chronicle core loaded from .*\"");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void defaultLevelShowsOnlyVigilsLines(@TempDir Path tmp) throws Exception {
        List<String> lines = startAndStop(tmp, "info");
        assertTrue(lines.stream().anyMatch(l -> l.contains("logger=VigilServer msg=\"store ready")), String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(l -> l.contains("SLF4J")), String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(l -> l.contains("Chronicle")), String.join("\n", lines));
    }

    @Test
    void debugLevelShowsTheMapLibraryInOurFormat(@TempDir Path tmp) throws Exception {
        List<String> lines = startAndStop(tmp, "debug");
        assertFalse(lines.stream().anyMatch(l -> l.contains("SLF4J")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> MAP_LIBRARY_LINE.matcher(l).matches()), String.join("\n", lines));
    }

    /** Starts the jar with no JVM flags, waits until the store is ready, stops it; its output. */
    private List<String> startAndStop(Path tmp, String level) throws Exception {
        Path jar = Path.of(System.getProperty("vigil.jar", "target/vigil.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn package first");
        Path log = tmp.resolve("out.log");
        int web = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--log.level=" + level,
                "--web.listen-address=127.0.0.1:" + web, "--push.listen-address=",
                "--storage.tsdb.path=" + tmp.resolve("data"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitReady(p, web, log);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
        }
        List<String> lines = Files.readAllLines(log);
        assertTrue(p.exitValue() == 143 || p.exitValue() == 0, "exit " + p.exitValue() + "\n" + String.join("\n", lines));
        return lines;
    }

    private void awaitReady(Process p, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> "exited early:\n" + read(log));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/-/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                assertEquals(503, r.statusCode(), r.body());
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready within 60 s:\n" + read(log));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
