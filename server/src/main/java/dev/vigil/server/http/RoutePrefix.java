package dev.vigil.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * {@code --web.route-prefix}: every route of the main port answers under the prefix, as in
 * Prometheus; {@code /} redirects to the prefix and any other path outside it is a 404. The
 * handlers behind see the paths without the prefix, so they need not know it.
 */
public final class RoutePrefix implements HttpHandler {
    private final String prefix;
    private final HttpHandler next;

    /** @param prefix starts with {@code /} and does not end with one; {@code "/"} means none (use {@link #wrap}) */
    private RoutePrefix(String prefix, HttpHandler next) {
        this.prefix = prefix;
        this.next = next;
    }

    /** {@code next} itself when the prefix is {@code "/"}. */
    public static HttpHandler wrap(String prefix, HttpHandler next) {
        return prefix.equals("/") ? next : new RoutePrefix(prefix, next);
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String path = ex.getRequestPath();
        if (path.equals(prefix) || path.startsWith(prefix + "/")) {
            String rest = path.substring(prefix.length());
            if (rest.isEmpty()) {
                rest = "/";
            }
            String uri = ex.getRequestURI();
            ex.setRequestURI(uri.startsWith(prefix) ? (uri.length() == prefix.length() ? "/" : uri.substring(prefix.length())) : rest);
            ex.setRequestPath(rest);
            ex.setRelativePath(rest);
            next.handleRequest(ex);
        } else if (path.equals("/")) {
            ex.setStatusCode(StatusCodes.FOUND);
            ex.getResponseHeaders().put(Headers.LOCATION, prefix);
            ex.endExchange();
        } else {
            PlainText.NOT_FOUND.handleRequest(ex);
        }
    }
}
