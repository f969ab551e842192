package dev.vigil.server.http;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * {@code --web.cors.origin} as Prometheus applies it to {@code /api/v1/*}: an anchored regular
 * expression (RE2, so a hostile Origin cannot make it backtrack); headers only when the request
 * has an {@code Origin}; the default {@code .*} answers {@code *}, any other echoes a matching
 * origin and omits it otherwise. Never {@code Allow-Credentials}: a browser does not send the
 * operator's password on a cross-site request, nor let the page read an answer that needed it.
 */
public final class Cors {
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    /** Prometheus's default. */
    public static final String ANY = ".*";

    private final String regex;
    private final Pattern pattern;

    private Cors(String regex) {
        this.regex = regex;
        this.pattern = Pattern.compile("^(?:" + regex + ")$");
    }

    /** @throws IllegalArgumentException when {@code regex} is not a valid expression */
    public static Cors of(String regex) {
        try {
            return new Cors(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression '" + regex + "': " + e.getDescription());
        }
    }

    /** Whether a page from {@code origin} may read the API. */
    public boolean allows(String origin) {
        return pattern.matcher(origin).matches();
    }

    /** Adds the CORS headers for this request's Origin, if it has one. */
    public void apply(HttpServerExchange ex) {
        String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null) {
            return;
        }
        ex.getResponseHeaders().put(ALLOW_HEADERS, "Accept, Authorization, Content-Type, Origin");
        ex.getResponseHeaders().put(ALLOW_METHODS, "GET, POST, OPTIONS");
        ex.getResponseHeaders().put(EXPOSE_HEADERS, "Date");
        ex.getResponseHeaders().add(Headers.VARY, "Origin");
        if (regex.equals(ANY)) {
            ex.getResponseHeaders().put(ALLOW_ORIGIN, "*");
        } else if (allows(origin)) {
            ex.getResponseHeaders().put(ALLOW_ORIGIN, origin);
        }
    }
}
