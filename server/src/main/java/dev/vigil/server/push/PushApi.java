package dev.vigil.server.push;

import static dev.vigil.server.push.Exchanges.blocking;
import static dev.vigil.server.push.Exchanges.dispatched;
import static dev.vigil.server.push.Exchanges.notAllowed;
import static dev.vigil.server.push.Exchanges.text;

import dev.vigil.ingest.Ingest;
import dev.vigil.ingest.IngestException;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.Labels;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The push API over HTTP: {@code PUT|POST|DELETE /metrics/job/...}, {@code GET /api/v1/metrics},
 * {@code GET /api/v1/status}, {@code PUT /api/v1/admin/wipe}, plus {@code POST /api/v1/write}
 * (remote write) and {@code POST /api/v1/import/prometheus} (text with timestamps), each handed
 * to {@link Ingest}. The push port's {@code GET /metrics} (all groups in text format) is
 * {@link #exposition()}.
 */
public final class PushApi {
    private static final byte[] NO_BODY = new byte[0];

    private final Ingest ingest;
    private final PushJson json;
    private final BodyReader bodies = new BodyReader();

    public PushApi(Ingest ingest) {
        this(ingest, Map.of(), "dev", System.currentTimeMillis());
    }

    /**
     * @param flags every flag as a string, for {@code /api/v1/status}
     * @param version the build version
     * @param startMs process start, for {@code /api/v1/status}
     */
    public PushApi(Ingest ingest, Map<String, String> flags, String version, long startMs) {
        this.ingest = ingest;
        this.json = new PushJson(ingest, flags, version, startMs);
    }

    /** Adds the push routes; call for both the main and the push port. */
    public void register(Routes r) {
        HttpHandler paths = pushPaths(dispatched(this::push), notAllowed("DELETE, OPTIONS, POST, PUT"));
        // The Flink reporter DELETEs its group at shutdown: every method under /metrics/ is a pusher's.
        for (String m : new String[] {"PUT", "POST", "DELETE", "GET", "HEAD", "PATCH", "OPTIONS"}) {
            r.add(Role.PUSH, m, "/metrics/*", paths);
        }
        r.get(Role.READ, "/api/v1/metrics", blocking(json::metricsJson));
        r.get(Role.READ, "/api/v1/status", blocking(json::statusJson));
        r.get(Role.READ, "/api/v1/push/groups", blocking(json::groupSummary));
        // A browser's CORS preflight carries no credentials; it answers headers only, no data.
        r.add(Role.PUBLIC, "OPTIONS", "/api/v1/metrics", Exchanges::cors);
        r.add(Role.PUBLIC, "OPTIONS", "/api/v1/status", Exchanges::cors);
        for (String m : new String[] {"HEAD", "POST", "PUT", "DELETE", "PATCH"}) {
            r.add(Role.READ, m, "/api/v1/metrics", notAllowed("GET, OPTIONS"));
            r.add(Role.READ, m, "/api/v1/status", notAllowed("GET, OPTIONS"));
        }
        if (ingest.options().enableAdminApi()) {
            r.put(Role.ADMIN, "/api/v1/admin/wipe", blocking(this::wipe));
            r.get(Role.ADMIN, "/api/v1/admin/wipe", notAllowed("OPTIONS, PUT"));
            r.post(Role.ADMIN, "/api/v1/admin/wipe", notAllowed("OPTIONS, PUT"));
        }
        r.post(Role.PUSH, "/api/v1/write", blocking(this::remoteWrite));
        r.post(Role.PUSH, "/api/v1/import/prometheus", blocking(this::importText));
    }

    /**
     * Everything under {@code /metrics/}: redirects for unclean paths first (as the API we replace,
     * whose server cleans before it routes), then the push routes, 405 for other methods on them,
     * 404 for the rest.
     */
    private static HttpHandler pushPaths(HttpHandler push, HttpHandler notAllowed) {
        return ex -> {
            String decoded = GroupPath.percentDecode(rawPath(ex.getRequestURI()));
            String clean = PathRedirect.clean(decoded);
            String method = ex.getRequestMethod().toString();
            boolean read = method.equals("GET") || method.equals("HEAD");
            if (!clean.equals(decoded)) {
                PathRedirect.send(ex, StatusCodes.MOVED_PERMANENTLY, PathRedirect.escape(clean));
            } else if (decoded.equals("/metrics/job/")) {
                if (read || method.equals("OPTIONS")) {
                    text(ex, StatusCodes.NOT_FOUND, "404 page not found");
                } else {
                    PathRedirect.send(ex, StatusCodes.TEMPORARY_REDIRECT, "/metrics/job");
                }
            } else if (decoded.startsWith("/metrics/job/") || (decoded.startsWith("/metrics/job@base64/") && decoded.length() > 20)) {
                if (method.equals("OPTIONS")) {
                    ex.getResponseHeaders().put(Headers.ALLOW, "DELETE, OPTIONS, POST, PUT");
                    ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
                    ex.endExchange();
                    return;
                }
                (read || method.equals("PATCH") ? notAllowed : push).handleRequest(ex);
            } else if (decoded.equals("/metrics/") && method.equals("GET")) {
                PathRedirect.send(ex, StatusCodes.MOVED_PERMANENTLY, "/metrics");
            } else {
                text(ex, StatusCodes.NOT_FOUND, "404 page not found");
            }
        };
    }

    /** The path of a request target, also when it came in absolute form ({@code http://host/path}). */
    static String rawPath(String uri) {
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.indexOf('/') > scheme) {
            int slash = uri.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    /** The raw path after {@code /metrics/}, from the undecoded request URI. */
    static String afterMetrics(String uri) {
        int i = uri.indexOf("/metrics/job");
        return i < 0 ? "" : uri.substring(i + "/metrics/".length());
    }

    /** {@code GET /metrics} of the push port: every group's series in text format, as a scrape of the replaced gateway would see them. */
    public HttpHandler exposition() {
        return blocking(ex -> {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, Exposition.CONTENT_TYPE);
            ex.getResponseSender().send(Exposition.render(ingest.groups()));
        });
    }

    private void push(HttpServerExchange ex) throws IOException {
        Labels key;
        try {
            key = GroupPath.parse(afterMetrics(ex.getRequestURI()));
        } catch (GroupPath.BadPath e) {
            text(ex, e.notFound() ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST, e.getMessage());
            return;
        }
        Ingest.Method method = Ingest.Method.valueOf(ex.getRequestMethod().toString());
        if (method == Ingest.Method.DELETE) {
            try {
                ingest.push(new Ingest.Push(key, method, NO_BODY, 0, null));
            } catch (IngestException e) {
                IngestErrors.answer(ex, e);
                return;
            }
            Exchanges.end(ex, StatusCodes.ACCEPTED);
            return;
        }
        BodyReader.Buffer bb = bodies.take();
        try {
            bodies.read(ex, ingest.options().maxBodyBytes(), bb);
            String type = ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
            Ingest.PushResult done = ingest.push(new Ingest.Push(key, method, bb.b, bb.len, type));
            Exchanges.endOnIoThread(ex, done == Ingest.PushResult.APPLIED ? StatusCodes.OK : StatusCodes.ACCEPTED);
        } catch (IngestException e) {
            IngestErrors.answer(ex, e);
        } finally {
            bodies.give(bb);
        }
    }

    private void remoteWrite(HttpServerExchange ex) throws IOException {
        BodyReader.Buffer bb = null;
        try {
            ingest.checkRemoteWrite(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE),
                    ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING), ex.getRequestHeaders().getFirst("X-Prometheus-Remote-Write-Version"));
            bb = bodies.take();
            bodies.read(ex, ingest.options().maxBodyBytes(), bb);
            ingest.remoteWrite(bb.b, bb.len);
        } catch (IngestException e) {
            IngestErrors.answer(ex, e);
            return;
        } finally {
            if (bb != null) {
                bodies.give(bb);
            }
        }
        ex.setStatusCode(StatusCodes.NO_CONTENT);
        ex.endExchange();
    }

    private void importText(HttpServerExchange ex) throws IOException {
        Deque<String> args = ex.getQueryParameters().get("extra_label");
        List<String> extra = args == null ? List.of() : new ArrayList<>(args);
        try {
            ingest.importText(ex.getInputStream(), ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE),
                    ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING), extra);
        } catch (IngestException e) {
            IngestErrors.answer(ex, e);
            return;
        }
        ex.setStatusCode(StatusCodes.NO_CONTENT);
        ex.endExchange();
    }

    private void wipe(HttpServerExchange ex) throws IOException {
        ingest.wipe();
        Exchanges.end(ex, StatusCodes.ACCEPTED);
    }
}
