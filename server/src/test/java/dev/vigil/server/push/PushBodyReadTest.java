package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.push.PushOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push bodies that arrive in pieces (chunked, or with a length but written slowly) are read whole,
 * and one keep-alive connection carries push after push, each answered before the next is sent.
 */
class PushBodyReadTest {
    @TempDir
    Path dir;

    private static String body(int series, int value) {
        StringBuilder sb = new StringBuilder("# TYPE m gauge\n");
        for (int i = 0; i < series; i++) {
            sb.append("m{i=\"").append(i).append("\",pad=\"").append("x".repeat(200)).append("\"} ").append(value + i).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code b} in {@code pieces} parts with a pause between them, so the server sees partial bodies. */
    private static void slowly(OutputStream out, byte[] b, int pieces) throws Exception {
        int step = (b.length + pieces - 1) / pieces;
        for (int off = 0; off < b.length; off += step) {
            out.write(b, off, Math.min(step, b.length - off));
            out.flush();
            Thread.sleep(20);
        }
    }

    /** Reads one response with an empty body; returns its status line. */
    private static String response(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        assertTrue(h.toLowerCase(java.util.Locale.ROOT).contains("content-length: 0"), h);
        return h.substring(0, h.indexOf("\r\n"));
    }

    @Test
    void piecewiseBodiesOnOneKeepAliveConnection() throws Exception {
        try (PushServer s = new PushServer(dir, PushOptions.defaults());
                Socket sock = new Socket("127.0.0.1", s.port)) {
            OutputStream out = sock.getOutputStream();
            InputStream in = sock.getInputStream();

            // Chunked: no length up front.
            byte[] first = body(2000, 1).getBytes(StandardCharsets.UTF_8);
            out.write(("PUT /metrics/job/pieces HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain; version=0.0.4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            int step = first.length / 7 + 1;
            for (int off = 0; off < first.length; off += step) {
                int n = Math.min(step, first.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                slowly(out, java.util.Arrays.copyOfRange(first, off, off + n), 2);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", response(in));

            // Same connection, a length and the body in slow pieces; then a third right away.
            for (int value : new int[] {100_000, 200_000}) {
                byte[] next = body(2000, value).getBytes(StandardCharsets.UTF_8);
                out.write(("PUT /metrics/job/pieces HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                        + next.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                slowly(out, next, value == 100_000 ? 9 : 1);
                assertEquals("HTTP/1.1 200 OK", response(in));
            }

            String exposed = s.send("GET", "/metrics", null).body();
            assertTrue(exposed.contains("m{i=\"0\",job=\"pieces\",pad=\"" + "x".repeat(200) + "\"} 200000\n"), exposed.substring(0, 300));
            assertTrue(exposed.contains("m{i=\"1999\",job=\"pieces\",pad=\"" + "x".repeat(200) + "\"} 201999\n"));
            assertEquals(2000, exposed.lines().filter(l -> l.startsWith("m{")).count());
        }
    }
}
