package dev.vigil.server.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
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

    /** Headers must arrive within this long: a client trickling them (slowloris) is cut off. */
    static final int REQUEST_PARSE_TIMEOUT_MS = 30_000;
    /** A kept-alive connection with no new request for this long is closed. */
    static final int NO_REQUEST_TIMEOUT_MS = 60_000;

    /**
     * How a listener guards itself.
     *
     * @param tls null for plain HTTP
     * @param idleTimeoutMs a connection that reads and writes nothing for this long is closed
     * @param maxConnections connections beyond this many wait in the kernel's backlog
     * @param http2 offer HTTP/2 by ALPN (TLS only, as Go's server: no cleartext h2c)
     */
    public record Options(SSLContext tls, long idleTimeoutMs, int maxConnections, boolean http2) {
        /** Prometheus's defaults (--web.read-timeout 5m, --web.max-connections 512), plain HTTP. */
        public static final Options DEFAULT = new Options(null, 300_000, 512, false);
    }

    /** Binds and starts plain HTTP with the default limits; throws when the address is taken. */
    public static HttpServer start(String name, String host, int port, HttpHandler root) {
        return start(name, host, port, root, Options.DEFAULT);
    }

    /** Binds and starts; throws when the address is taken. */
    public static HttpServer start(String name, String host, int port, HttpHandler root, Options o) {
        SSLContext tls = o.tls();
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
        Undertow.Builder b = Undertow.builder();
        if (tls == null) {
            b.addHttpListener(port, host);
        } else {
            b.addHttpsListener(port, host, tls);
        }
        // No listener-wide cap: it would refuse a streamed import before any handler runs. Each
        // request gets MAX_ENTITY_BYTES above, and the routes that stream (import) lift it.
        Undertow u = b
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 1 << 20)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, 10_000)
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, tls != null && o.http2())
                // Go's HTTP/2 server's default: one connection cannot open more streams than this
                // at once, so HTTP/2 does not walk around --web.max-connections.
                .setServerOption(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 250)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, o.idleTimeoutMs()))
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, REQUEST_PARSE_TIMEOUT_MS)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, NO_REQUEST_TIMEOUT_MS)
                .setSocketOption(org.xnio.Options.CONNECTION_HIGH_WATER, o.maxConnections())
                .setSocketOption(org.xnio.Options.CONNECTION_LOW_WATER, o.maxConnections())
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
