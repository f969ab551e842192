package dev.vigil.server.api;

import dev.vigil.server.http.PlainText;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import dev.vigil.server.remoteread.ChunkedFrames;
import dev.vigil.server.remoteread.ReadRequest;
import dev.vigil.server.remoteread.RemoteRead;
import dev.vigil.tsdb.Labels;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xerial.snappy.Snappy;

/**
 * {@code POST /api/v1/read}: Prometheus remote read 1.0, a snappy-compressed
 * {@code prometheus.ReadRequest} in; either a snappy-compressed {@code ReadResponse} of samples or
 * a stream of {@code ChunkedReadResponse} frames of XOR chunks out, as the client accepts.
 */
public final class RemoteReadApi {
    private static final Logger LOG = Logger.getLogger(RemoteReadApi.class.getName());
    /** Prometheus reads at most 32 MiB of a compressed request. */
    static final int MAX_BODY = 32 << 20;
    /** A request is a few matchers per query; this only stops a decompression bomb. */
    static final int MAX_DECODED = 128 << 20;

    /**
     * {@code --storage.remote.read-*}.
     *
     * @param sampleLimit most samples per query of a sampled response, 0 = no limit
     * @param concurrentLimit most requests answered at once (the rest wait), 0 = no limit
     * @param maxBytesInFrame about the most bytes in one streamed frame
     */
    public record Limits(long sampleLimit, int concurrentLimit, int maxBytesInFrame) {
        public static final Limits DEFAULT = new Limits(50_000_000, 10, 1 << 20);
    }

    private final Supplier<Backend> backend;
    private final Supplier<Labels> externalLabels;
    private final Limits limits;
    private final Semaphore gate;

    public RemoteReadApi(Supplier<Backend> backend, Supplier<Labels> externalLabels, Limits limits) {
        this.backend = backend;
        this.externalLabels = externalLabels;
        this.limits = limits;
        this.gate = limits.concurrentLimit() > 0 ? new Semaphore(limits.concurrentLimit(), true) : null;
    }

    /** Adds the route; {@code wrap} instruments a handler under a name (for /metrics). */
    public void register(Routes routes, BiFunction<String, HttpHandler, HttpHandler> wrap) {
        routes.post(Role.READ, "/api/v1/read", wrap.apply("/api/v1/read", this::handle));
    }

    private void handle(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this::handle);
            return;
        }
        ex.startBlocking();
        Backend b = backend.get();
        if (b == null) {
            PlainText.UNAVAILABLE.handleRequest(ex);
            return;
        }
        if (gate != null) {
            gate.acquire();
        }
        try {
            answer(ex, b);
        } finally {
            if (gate != null) {
                gate.release();
            }
        }
    }

    private void answer(HttpServerExchange ex, Backend b) throws IOException {
        ReadRequest req;
        int type;
        try {
            req = ReadRequest.decode(body(ex));
            type = RemoteRead.negotiate(req.acceptedTypes());
        } catch (ReadRequest.BadRequestException e) {
            PlainText.send(ex, 400, e.getMessage() + "\n");
            return;
        }
        RemoteRead read = new RemoteRead(b.storage(), externalLabels.get(), limits.sampleLimit(), limits.maxBytesInFrame());
        if (type == ReadRequest.STREAMED_XOR_CHUNKS) {
            ex.setStatusCode(200);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, ChunkedFrames.CONTENT_TYPE);
            try (OutputStream out = ex.getOutputStream()) {
                read.streamChunks(req, new ChunkedFrames(out));
            } catch (IOException e) {
                LOG.log(Level.FINE, "remote read client went away", e);
            }
            return;
        }
        byte[] raw;
        try {
            raw = read.samples(req);
        } catch (RemoteRead.SampleLimitException e) {
            PlainText.send(ex, 400, e.getMessage() + "\n");
            return;
        }
        byte[] compressed = Snappy.compress(raw);
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-protobuf");
        ex.getResponseHeaders().put(Headers.CONTENT_ENCODING, "snappy");
        try (OutputStream out = ex.getOutputStream()) {
            out.write(compressed);
        }
    }

    private static byte[] body(HttpServerExchange ex) throws IOException, ReadRequest.BadRequestException {
        byte[] compressed = ex.getInputStream().readNBytes(MAX_BODY + 1);
        if (compressed.length > MAX_BODY) {
            throw new ReadRequest.BadRequestException("remote read request body exceeds " + MAX_BODY + " bytes");
        }
        try {
            if (!Snappy.isValidCompressedBuffer(compressed)) {
                throw new ReadRequest.BadRequestException("snappy: corrupt input");
            }
            if (Snappy.uncompressedLength(compressed) > MAX_DECODED) {
                throw new ReadRequest.BadRequestException("remote read request decompresses to more than " + MAX_DECODED + " bytes");
            }
            return Snappy.uncompress(compressed);
        } catch (IOException e) {
            throw new ReadRequest.BadRequestException("snappy: corrupt input (" + e.getMessage() + ")");
        }
    }
}
