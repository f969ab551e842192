package dev.vigil.bench.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real server as a child process on a free loopback port, with the store's test-only churn
 * switched on; killed with SIGKILL ({@link Process#destroyForcibly()} on Linux).
 */
final class ChildServer {
    private final List<String> launch;
    private final Path dataDir;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int port;

    /** @param launch how to start the server: {@code -jar vigil.jar} or {@code -cp ... main-class} (after the java binary) */
    ChildServer(List<String> launch, Path dataDir, Path log) {
        this.launch = launch;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts the server and waits until {@code /-/ready} answers 200; returns its base URI. */
    URI start(Duration timeout) throws IOException, InterruptedException {
        port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dvigil.test.storage-churn=true");
        cmd.addAll(launch);
        cmd.add("--web.listen-address=127.0.0.1:" + port);
        cmd.add("--push.listen-address=");
        cmd.add("--storage.tsdb.path=" + dataDir);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("server exited with " + process.exitValue() + " during start; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return base;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("server not ready within " + timeout + "; see " + log);
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** A clean stop (SIGTERM). */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
