package dev.vigil.bench.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.xerial.snappy.Snappy;

/**
 * A remote-write receiver that costs as little as it can while still proving delivery: it
 * snappy-decodes each request, counts its series and samples ({@link WriteRequestCount}),
 * answers 204 (400 naming what is wrong with a request it cannot read) and stores nothing.
 * {@code GET /metrics} shows the counts. It stands in for a receiver on another machine when
 * measuring what remote write costs the sender (bench/scripts/remote-write-cost.sh).
 */
public final class RemoteWriteSink implements AutoCloseable {
    /** Larger requests are refused: Prometheus's sender stays far below it. */
    static final int MAX_BODY = 64 << 20;

    private final HttpServer server;
    private final ExecutorService workers;
    public final LongAdder requests = new LongAdder();
    public final LongAdder series = new LongAdder();
    public final LongAdder samples = new LongAdder();
    public final LongAdder bytes = new LongAdder();
    public final LongAdder rawBytes = new LongAdder();
    public final LongAdder refused = new LongAdder();

    public RemoteWriteSink(InetSocketAddress at, int threads) throws IOException {
        server = HttpServer.create(at, 256);
        workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sink-worker");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/api/v1/write", this::write);
        server.createContext("/metrics", this::metrics);
        server.createContext("/health", ex -> answer(ex, 200, "ok\n"));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void write(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                answer(ex, 405, "POST only\n");
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                refuse(ex, 413, "body larger than " + MAX_BODY + " bytes");
                return;
            }
            byte[] raw;
            try {
                int n = Snappy.uncompressedLength(body);
                if (n < 0 || n > MAX_BODY) {
                    refuse(ex, 413, "snappy block declares " + n + " bytes uncompressed, more than " + MAX_BODY);
                    return;
                }
                raw = Snappy.uncompress(body);
            } catch (IOException e) {
                refuse(ex, 400, "body is not a snappy block: " + e.getMessage());
                return;
            }
            WriteRequestCount.Counts c;
            try {
                c = WriteRequestCount.of(raw, raw.length);
            } catch (IllegalArgumentException e) {
                refuse(ex, 400, "body is not a WriteRequest: " + e.getMessage());
                return;
            }
            requests.increment();
            series.add(c.series());
            samples.add(c.samples());
            bytes.add(body.length);
            rawBytes.add(raw.length);
            ex.sendResponseHeaders(204, -1);
        }
    }

    private void refuse(HttpExchange ex, int status, String why) throws IOException {
        refused.increment();
        answer(ex, status, why + "\n");
    }

    private void metrics(HttpExchange ex) throws IOException {
        try (ex) {
            answer(ex, 200, "sink_requests_total " + requests.sum() + "\nsink_series_total " + series.sum()
                    + "\nsink_samples_total " + samples.sum() + "\nsink_bytes_total " + bytes.sum()
                    + "\nsink_uncompressed_bytes_total " + rawBytes.sum()
                    + "\nsink_refused_total " + refused.sum() + "\n");
        }
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
