package dev.vigil.server.api;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.server.http.Cors;
import dev.vigil.server.http.WorkerPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one API endpoint on a thread of the API's own pool (pushes cannot take them): merges parameters, answers 503 until the store is
 * open, and turns errors into Prometheus's envelope; an unexpected exception is a bug, logged
 * with its stack and answered 500 {@code internal}.
 */
final class ApiHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());
    /**
     * Largest answer held in memory and sent whole by the I/O thread: a dashboard panel's 24 h
     * graph of a few series is 100–700 KB; larger ones stream, this many bytes a write.
     */
    private static final int RESPONSE_BUFFER = 1 << 20;

    private final Supplier<Backend> backend;
    private final PrometheusApi.Endpoint endpoint;
    private final boolean requiresBackend;
    private final Cors cors;
    private final WorkerPool pool;

    ApiHandler(Supplier<Backend> backend, PrometheusApi.Endpoint endpoint, boolean requiresBackend, Cors cors, WorkerPool pool) {
        this.cors = cors;
        this.pool = pool;
        this.backend = backend;
        this.endpoint = endpoint;
        this.requiresBackend = requiresBackend;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread() || !pool.isCurrent()) {
            ex.dispatch(pool.executor(), this);
            return;
        }
        // Not blocking yet: a body that fits in the response buffer is sent by the I/O thread
        // (ResponseBuffer); the request body is read from the channel (Params).
        cors.apply(ex);
        Backend b = backend.get();
        if (b == null && requiresBackend) {
            ex.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            ex.getResponseSender().send("Service Unavailable");
            return;
        }
        ApiResult result;
        try {
            Params params = Params.read(ex);
            PathTemplateMatch m = ex.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
            Map<String, String> path = m == null ? Map.of() : m.getParameters();
            result = endpoint.apply(b, new ApiRequest(params, path));
        } catch (ApiException e) {
            sendError(ex, e.type(), e.getMessage());
            return;
        } catch (Params.BodyTooLargeException e) {
            ex.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            ex.getResponseSender().send(e.getMessage() + "\n");
            return;
        } catch (IOException e) {
            // The client went away or sent a broken body.
            sendError(ex, ErrorType.BAD_DATA, "error reading request body: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "bug while answering " + ex.getRequestPath(), e);
            sendError(ex, ErrorType.INTERNAL, String.valueOf(e));
            return;
        }
        if (result == ApiResult.NO_CONTENT) {
            ex.setStatusCode(StatusCodes.NO_CONTENT);
            ex.endExchange();
            return;
        }
        ResponseBuffer out = new ResponseBuffer(ex, RESPONSE_BUFFER);
        try {
            ex.setStatusCode(StatusCodes.OK);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            result.writeTo(out);
            out.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away during " + ex.getRequestPath(), e);
        } catch (QueryException e) {
            if (!out.committed()) {
                // Nothing sent yet: the deadline can still be answered as such.
                sendError(ex, e.errorType(), e.getMessage());
                return;
            }
            // A streamed answer ran past its deadline after the status line: cut it short, so
            // the client sees a broken body rather than a complete-looking partial one.
            LOG.log(Level.FINE, ex.getRequestPath() + ": " + e.getMessage());
            ex.setPersistent(false);
            org.xnio.IoUtils.safeClose(ex.getConnection());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "bug while writing " + ex.getRequestPath(), e);
            if (!out.committed()) {
                sendError(ex, ErrorType.INTERNAL, String.valueOf(e));
                return;
            }
            // Past the status line only a truncated body can tell the client.
            ex.setPersistent(false);
        } finally {
            result.close();
        }
    }

    /** A CORS preflight: headers only. */
    static HttpHandler preflight(Cors cors) {
        return ex -> {
            cors.apply(ex);
            ex.setStatusCode(StatusCodes.OK);
            ex.endExchange();
        };
    }

    static void sendError(HttpServerExchange ex, ErrorType type, String message) throws IOException {
        ex.startBlocking();
        ex.setStatusCode(type.httpStatus);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        OutputStream out = ex.getOutputStream();
        ApiJson.error(out, type.text, message, List.of());
        out.close();
    }
}
