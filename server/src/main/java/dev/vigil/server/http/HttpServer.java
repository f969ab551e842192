package dev.vigil.server.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.logging.Logger;

/** One Undertow listener with graceful shutdown: stop accepting, let in-flight requests finish. */
public final class HttpServer {
    private static final Logger LOG = Logger.getLogger(HttpServer.class.getName());
    /**
     * Largest request body with a Content-Length on any route that does not lift it (the text
     * import streams bodies of any size). Set per exchange, not on the listener: the listener's
     * option is fixed into a chunked body's decoder before any handler runs, so no route could
     * lift it; chunked bodies are bounded by each route's own limit instead.
     */
    public static final long MAX_ENTITY_BYTES = 256L << 20;

    private final Undertow undertow;
    private final GracefulShutdownHandler graceful;
    private final String name;

    private HttpServer(String name, Undertow undertow, GracefulShutdownHandler graceful) {
        this.name = name;
        this.undertow = undertow;
        this.graceful = graceful;
    }

    /** Binds and starts; throws when the address is taken. */
    public static HttpServer start(String name, String host, int port, HttpHandler root) {
        // Responses are gzipped for clients that ask (Grafana's backend does): query results
        // are long runs of similar numbers and shrink several-fold. The fastest level: the
        // default one costs more time than it saves on a LAN.
        HttpHandler gzip = new EncodingHandler(new ContentEncodingRepository()
                .addEncodingHandler("gzip", new GzipEncodingProvider(Deflater.BEST_SPEED), 50)).setNext(root);
        HttpHandler capped = ex -> {
            ex.setMaxEntitySize(MAX_ENTITY_BYTES);
            gzip.handleRequest(ex);
        };
        GracefulShutdownHandler g = new GracefulShutdownHandler(capped);
        Undertow u = Undertow.builder()
                .addHttpListener(port, host)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 1 << 20)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, 10_000)
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                .setHandler(g)
                .build();
        u.start();
        return new HttpServer(name, u, g);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    }

    /** Stops accepting new requests at once. */
    public void beginShutdown() {
        graceful.shutdown();
    }

    /** Waits for in-flight requests (at most {@code timeoutMs}), then closes the listener. */
    public void awaitAndStop(long timeoutMs) {
        try {
            if (!graceful.awaitShutdown(timeoutMs)) {
                LOG.warning(name + ": requests still running after " + TimeUnit.MILLISECONDS.toSeconds(timeoutMs)
                        + " s; closing anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
    }
}
