package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Hostile clients against a real server (both ports, the push API): slowloris headers and pushes
 * that declare 64 MB and never send it, ten thousand idle connections, and compression bombs.
 * Each asserts what a user notices (queries keep answering, the heap does not fill, the bomb gets
 * 413) with generous bounds; the lines starting {@code FIGURE} are the figures
 * bench/scripts/abuse-figures.sh prints.
 */
class AbuseTest {
    private static final long MB = 1 << 20;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private static void figure(String text) {
        System.out.println("FIGURE " + text);
    }

    /** Bytes allocated so far by each live thread of this JVM (the server runs in it), by thread id. */
    private static java.util.Map<Long, Long> allocation() {
        var t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = t.getAllThreadIds();
        long[] bytes = t.getThreadAllocatedBytes(ids);
        java.util.Map<Long, Long> m = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            m.put(ids[i], bytes[i]);
        }
        return m;
    }

    /**
     * Bytes allocated since {@code before} by the threads alive now (a thread that ended meanwhile
     * is not counted; the server's workers live on).
     */
    private static long allocatedSince(java.util.Map<Long, Long> before) {
        long sum = 0;
        for (var e : allocation().entrySet()) {
            sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }

    private static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void slowlorisAndBodiesThatNeverComeLeaveQueriesAnsweringAndTheHeapBounded(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client)) {
            int web = s.server.webAddress().getPort();
            int push = s.server.pushAddress().getPort();
            assertEquals(200, s.call("web", "PUT", "/metrics/job/warm", null).statusCode() / 100 * 100);
            assertEquals(200, get(s.base("web") + "/api/v1/query?query=up").statusCode());
            long heapBefore = heapUsedAfterGc();
            var allocBefore = allocation();
            List<Socket> slow = new ArrayList<>();
            List<Socket> hanging = new ArrayList<>();
            Thread drip = null;
            try {
                for (int i = 0; i < 200; i++) {
                    slow.add(new Socket("127.0.0.1", i % 2 == 0 ? web : push));
                }
                for (int i = 0; i < 50; i++) {
                    Socket k = new Socket("127.0.0.1", i % 2 == 0 ? push : web);
                    k.getOutputStream().write(("PUT /metrics/job/hang" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + 64 * MB
                            + "\r\nContent-Type: text/plain; version=0.0.4\r\n\r\nm 1\n").getBytes(StandardCharsets.US_ASCII));
                    k.getOutputStream().flush();
                    hanging.add(k);
                }
                // Headers a byte at a time on every slow connection, for as long as the test runs.
                byte[] head = "GET /api/v1/query?query=up HTTP/1.1\r\nHost: x\r\nX-a: ".getBytes(StandardCharsets.US_ASCII);
                drip = new Thread(() -> {
                    int pos = 0;
                    while (!Thread.currentThread().isInterrupted()) {
                        for (Socket k : slow) {
                            try {
                                OutputStream o = k.getOutputStream();
                                o.write(pos < head.length ? head[pos] : 'a');
                                o.flush();
                            } catch (Exception e) {
                                // cut off by the server: that is allowed
                            }
                        }
                        pos++;
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "slowloris");
                drip.start();
                Thread.sleep(1000);
                long[] ms = new long[20];
                for (int i = 0; i < ms.length; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = get(s.base("web") + "/api/v1/query?query=up");
                    ms[i] = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(200, r.statusCode(), r.body());
                    // Generous: a query waiting behind the attackers would take the 30 s parse timeout.
                    assertTrue(ms[i] < 10_000, "query " + i + " took " + ms[i] + " ms under attack");
                    Thread.sleep(200);
                }
                long allocated = allocatedSince(allocBefore);
                long heapDuring = heapUsedAfterGc();
                Arrays.sort(ms);
                figure(String.format("slowloris 200 + 50 hanging 64 MB pushes: query latency median %d ms, max %d ms (%d queries);"
                        + " heap used after GC %d MB before, %d MB during; allocated during the attack %d MB (declared bodies: %d MB)",
                        ms[ms.length / 2], ms[ms.length - 1], ms.length, heapBefore / MB, heapDuring / MB, allocated / MB, 50 * 64));
                // Had the declared bodies been allocated, that would be 3.2 GB: more than this JVM's heap.
                assertTrue(allocated < 1024 * MB, "allocated " + allocated / MB + " MB during the attack");
                assertTrue(heapDuring - heapBefore < 256 * MB, "heap grew " + (heapDuring - heapBefore) / MB + " MB");
            } finally {
                if (drip != null) {
                    drip.interrupt();
                    drip.join();
                }
                for (Socket k : slow) {
                    k.close();
                }
                for (Socket k : hanging) {
                    k.close();
                }
            }
        }
    }

    /** The child JVM holding idle connections, and its command channel. */
    private static final class Idle implements AutoCloseable {
        private final Process p;
        private final PrintWriter cmd;
        private final BufferedReader out;

        Idle(int port) throws Exception {
            Path source = Path.of(AbuseTest.class.getResource("/abuse/IdleConnections.java").toURI());
            p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    source.toString(), String.valueOf(port)).redirectErrorStream(true).start();
            cmd = new PrintWriter(p.getOutputStream(), true);
            out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        }

        int send(String c) throws Exception {
            cmd.println(c);
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("ok "), c + ": " + line);
            return Integer.parseInt(line.substring(3));
        }

        @Override
        public void close() throws Exception {
            cmd.close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void tenThousandIdleConnectionsAndTheConnectionCap(@TempDir Path dir) throws Exception {
        int cap = 10_000;
        try (SecuredServer s = SecuredServer.start(dir, null, null, client, "--web.max-connections=" + cap)) {
            int port = s.server.webAddress().getPort();
            String query = s.base("web") + "/api/v1/query?query=1";
            try (Idle idle = new Idle(port)) {
                assertEquals(cap - 10, idle.send("open " + (cap - 10)));
                Thread.sleep(2000);
                long t0 = System.nanoTime();
                HttpClient fresh = HttpClient.newHttpClient();
                HttpResponse<String> r = fresh.send(HttpRequest.newBuilder(URI.create(query)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, r.statusCode(), "the server answers with " + (cap - 10) + " idle connections open");
                figure(String.format("%d idle connections held: a query on a new connection answered in %d ms; heap used after GC %d MB",
                        cap - 10, ms, heapUsedAfterGc() / MB));
                // At the cap a new connection waits in the backlog, as Prometheus's --web.max-connections.
                assertEquals(cap, idle.send("open 10"));
                Thread.sleep(2000);
                HttpClient waiting = HttpClient.newHttpClient();
                assertThrows(java.net.http.HttpTimeoutException.class, () -> waiting.send(HttpRequest.newBuilder(URI.create(query))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()), "the cap holds");
                idle.send("close 100");
                WebSecurityServerTest.waitFor(() -> {
                    try {
                        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(query)).timeout(Duration.ofSeconds(3))
                                .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            }
        }
    }

    /** {@code members} gzip members of {@code memberBytes} zeros each: a tiny body that inflates to their product. */
    private static byte[] gzipBomb(int members, int memberBytes) throws Exception {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(one)) {
            z.write(new byte[memberBytes]);
        }
        byte[] m = one.toByteArray();
        byte[] out = new byte[m.length * members];
        for (int i = 0; i < members; i++) {
            System.arraycopy(m, 0, out, i * m.length, m.length);
        }
        return out;
    }

    private HttpResponse<String> post(String url, String method, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void compressionBombsGet413WithoutAllocatingTheirOutput(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, null, null, client, "--push.max-body-size=4MB",
                "--import.max-body-size=4MB")) {
            // 2 GB of zeros in about 2 MB of gzip (members of 1 MB each).
            byte[] gz = gzipBomb(2048, 1 << 20);
            String push = s.base("push");
            var a0 = allocation();
            HttpResponse<String> r = post(push + "/metrics/job/bomb", "PUT", gz, "Content-Encoding", "gzip",
                    "Content-Type", "text/plain; version=0.0.4");
            long pushAlloc = allocatedSince(a0);
            assertEquals(413, r.statusCode(), r.body());

            a0 = allocation();
            r = post(push + "/api/v1/import/prometheus", "POST", gz, "Content-Encoding", "gzip");
            long importAlloc = allocatedSince(a0);
            assertEquals(413, r.statusCode(), r.body());

            // Snappy: a block that declares 4 GiB - 1 of output, and a real one of 64 MB of zeros (~3 MB sent).
            byte[] small = Snappy.compress(new byte[1024]);
            byte[] varint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
            int skip = 0;
            while ((small[skip] & 0x80) != 0) {
                skip++;
            }
            skip++;
            byte[] declared = new byte[varint.length + small.length - skip];
            System.arraycopy(varint, 0, declared, 0, varint.length);
            System.arraycopy(small, skip, declared, varint.length, small.length - skip);
            byte[] real = Snappy.compress(new byte[(int) (64 * MB)]);
            long rwAlloc = 0;
            for (byte[] bomb : new byte[][] {declared, real}) {
                a0 = allocation();
                r = post(push + "/api/v1/write", "POST", bomb, "Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
                        "X-Prometheus-Remote-Write-Version", "0.1.0");
                rwAlloc = Math.max(rwAlloc, allocatedSince(a0));
                assertEquals(413, r.statusCode(), bomb.length + " bytes: " + r.body());
            }
            figure(String.format("gzip bomb %d KB -> 2048 MB: push 413 after %d MB allocated, import 413 after %d MB;"
                    + " snappy declaring 4096 MB / 64 MB real: remote write 413 after at most %d MB allocated (limit 4 MB)",
                    gz.length / 1024, pushAlloc / MB, importAlloc / MB, rwAlloc / MB));
            // Inflating the whole bomb would allocate at least its 2 GB output (more than the heap).
            assertTrue(pushAlloc < 256 * MB, "push allocated " + pushAlloc / MB + " MB");
            assertTrue(importAlloc < 256 * MB, "import allocated " + importAlloc / MB + " MB");
            assertTrue(rwAlloc < 256 * MB, "remote write allocated " + rwAlloc / MB + " MB");
            assertEquals(200, get(s.base("web") + "/api/v1/query?query=1").statusCode(), "and the server is fine");
        }
    }
}
