package dev.vigil.server.push;

import dev.vigil.tsdb.StorageWriteException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** How the push routes run on the server's threads and answer: worker dispatch, plain-text and JSON answers, CORS headers. */
final class Exchanges {
    private static final Logger LOG = Logger.getLogger(Exchanges.class.getName());
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private Exchanges() {
    }

    /** A route's work, on a worker thread. */
    interface Work {
        void handle(HttpServerExchange ex) throws Exception;
    }

    /** Runs {@code h} on a worker thread in blocking mode. */
    static HttpHandler blocking(Work h) {
        return dispatched(ex -> {
            ex.startBlocking();
            h.handle(ex);
        });
    }

    /**
     * Runs {@code h} on a worker thread, not in blocking mode: the push route reads its body from
     * the request channel itself and ends a successful exchange on the connection's I/O thread
     * (see {@link #endOnIoThread}); {@link #blocking} puts the exchange in blocking mode first.
     */
    static HttpHandler dispatched(Work h) {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) throws Exception {
                if (ex.isInIoThread()) {
                    ex.dispatch(this);
                    return;
                }
                try {
                    h.handle(ex);
                } catch (BodyReader.ClientGone e) {
                    // A client that hangs up mid-body is routine (and a hostile one could flood the
                    // log with stack traces): one line at debug level, a 400 if it still listens.
                    LOG.fine(() -> "push body not received whole: " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + e.getMessage());
                    if (!ex.isResponseStarted()) {
                        text(ex, 400, "request body could not be read: " + e.getMessage());
                    }
                } catch (IOException e) {
                    StorageWriteException full = StorageWriteException.find(e);
                    if (full != null) {
                        // A full disk: nothing of the request was stored; the client retries later.
                        LOG.fine(() -> "push API request refused, the store cannot write: " + ex.getRequestURI() + ": " + full.getMessage());
                        if (!ex.isResponseStarted()) {
                            text(ex, StatusCodes.SERVICE_UNAVAILABLE, full.getMessage());
                        }
                        return;
                    }
                    LOG.log(Level.WARNING, "push API request failed: " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
                    if (!ex.isResponseStarted()) {
                        text(ex, 500, "internal error: " + e.getMessage());
                    }
                }
            }
        };
    }

    /**
     * Ends a body-less answer on the connection's I/O thread. Ending it on a worker makes the
     * server hand the connection back to its I/O thread from the worker (re-arming reads wakes
     * the I/O thread, which then spins until the worker finishes the handover: with more busy
     * workers than cores, often for a whole time slice); from the I/O thread itself there is no
     * handover. The exchange is not in blocking mode, so ending it there never blocks.
     */
    static void endOnIoThread(HttpServerExchange ex, int status) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        if (ex.isBlocking() || ex.isInIoThread()) {
            ex.endExchange();
        } else {
            ex.dispatch(ex.getIoThread(), ex::endExchange);
        }
    }

    /** Ends a body-less answer where it is. */
    static void end(HttpServerExchange ex, int status) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        ex.endExchange();
    }

    /** 405 naming the methods the path takes, as the router of the API we replace answers. */
    static HttpHandler notAllowed(String allow) {
        return ex -> {
            ex.getResponseHeaders().put(Headers.ALLOW, allow);
            text(ex, StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed");
        };
    }

    static void cors(HttpServerExchange ex) {
        corsHeaders(ex);
        ex.setStatusCode(200);
        ex.endExchange();
    }

    static void corsHeaders(HttpServerExchange ex) {
        ex.getResponseHeaders().put(new HttpString("Access-Control-Allow-Headers"), "Accept, Authorization, Content-Type, Origin");
        ex.getResponseHeaders().put(new HttpString("Access-Control-Allow-Methods"), "GET, POST, DELETE, OPTIONS");
        ex.getResponseHeaders().put(new HttpString("Access-Control-Allow-Origin"), "*");
        ex.getResponseHeaders().put(new HttpString("Access-Control-Expose-Headers"), "Date");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
    }

    static void json(HttpServerExchange ex, byte[] body) {
        corsHeaders(ex);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(body));
    }

    static void text(HttpServerExchange ex, int status, String message) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT_PLAIN);
        ex.getResponseSender().send(message + "\n", StandardCharsets.UTF_8);
    }
}
