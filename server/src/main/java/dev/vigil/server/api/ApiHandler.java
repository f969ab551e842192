package dev.vigil.server.api;

import dev.vigil.query.QueryException.ErrorType;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
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
 * Runs one API endpoint on a worker thread: merges parameters, answers 503 until the store is
 * open, and turns errors into Prometheus's envelope; an unexpected exception is a bug, logged
 * with its stack and answered 500 {@code internal}.
 */
final class ApiHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());

    private final Supplier<Backend> backend;
    private final PrometheusApi.Endpoint endpoint;
    private final boolean requiresBackend;

    ApiHandler(Supplier<Backend> backend, PrometheusApi.Endpoint endpoint, boolean requiresBackend) {
        this.backend = backend;
        this.endpoint = endpoint;
        this.requiresBackend = requiresBackend;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this);
            return;
        }
        ex.startBlocking();
        cors(ex);
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
        try {
            ex.setStatusCode(StatusCodes.OK);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            OutputStream out = ex.getOutputStream();
            result.writeTo(out);
            out.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away during " + ex.getRequestPath(), e);
        } catch (RuntimeException e) {
            // Past the status line only a truncated body can tell the client.
            LOG.log(Level.SEVERE, "bug while writing " + ex.getRequestPath(), e);
            ex.setPersistent(false);
        } finally {
            result.close();
        }
    }

    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");

    /** Prometheus's CORS headers with its default {@code --web.cors.origin='.*'}: any origin may read. */
    static void cors(HttpServerExchange ex) {
        ex.getResponseHeaders().put(ALLOW_HEADERS, "Accept, Authorization, Content-Type, Origin");
        ex.getResponseHeaders().put(ALLOW_METHODS, "GET, POST, OPTIONS");
        ex.getResponseHeaders().put(EXPOSE_HEADERS, "Date");
        String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin != null) {
            ex.getResponseHeaders().put(ALLOW_ORIGIN, origin);
        }
    }

    /** A CORS preflight: headers only. */
    static final HttpHandler PREFLIGHT = ex -> {
        cors(ex);
        ex.setStatusCode(StatusCodes.OK);
        ex.endExchange();
    };

    static void sendError(HttpServerExchange ex, ErrorType type, String message) throws IOException {
        ex.setStatusCode(type.httpStatus);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        OutputStream out = ex.getOutputStream();
        ApiJson.error(out, type.text, message, List.of());
        out.close();
    }
}
