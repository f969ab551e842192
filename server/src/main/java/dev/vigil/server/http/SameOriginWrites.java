package dev.vigil.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.URI;
import java.util.Locale;

/**
 * Refuses a browser's cross-site request to a push or admin route: a page elsewhere can make an
 * operator's browser send a "simple" POST (a form, text/plain) without any CORS check, and that
 * would be a push, an import or a quit. Browsers name the page's origin in {@code Origin} (and
 * {@code Sec-Fetch-Site}); Flink, Prometheus and curl send neither, so they are not affected.
 */
public final class SameOriginWrites implements Routes.Guard {
    private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");
    private final Routes.Guard inner;

    public SameOriginWrites(Routes.Guard inner) {
        this.inner = inner;
    }

    @Override
    public HttpHandler guard(Role role, HttpHandler handler) {
        HttpHandler next = inner.guard(role, handler);
        if (role != Role.PUSH && role != Role.ADMIN) {
            return next;
        }
        return ex -> {
            String why = crossSite(ex);
            if (why == null) {
                next.handleRequest(ex);
                return;
            }
            ex.setStatusCode(403);
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            ex.getResponseSender().send("cross-site request refused: " + why + "\n");
        };
    }

    /** Why the request comes from another site, or null when it does not (or is not from a browser). */
    static String crossSite(HttpServerExchange ex) {
        String m = ex.getRequestMethod().toString();
        if (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS")) {
            return null;
        }
        String site = ex.getRequestHeaders().getFirst(SEC_FETCH_SITE);
        if (site != null && (site.equals("cross-site") || site.equals("same-site"))) {
            return "Sec-Fetch-Site is " + site;
        }
        String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null) {
            return null;
        }
        if (!sameOrigin(origin, ex.getRequestScheme(), ex.getHostName(), ex.getHostPort())) {
            return "Origin " + origin + " is not this server";
        }
        return null;
    }

    private static boolean sameOrigin(String origin, String scheme, String host, int port) {
        try {
            URI u = new URI(origin);
            if (u.getScheme() == null || u.getHost() == null) {
                return false; // "null" (sandboxed pages, file:) and malformed values
            }
            int p = u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return u.getScheme().equalsIgnoreCase(scheme) && p == port
                    && stripBrackets(u.getHost()).equalsIgnoreCase(stripBrackets(host).toLowerCase(Locale.ROOT));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String stripBrackets(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
