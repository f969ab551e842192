package dev.vigil.server.push;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/**
 * The redirects the API we replace answers before it routes a push: a path that is not clean
 * ({@code //}, {@code /./}, {@code /../}, also when they appear only after percent-decoding) gets
 * a 301 to its cleaned form, as Go's HTTP server does; {@code /metrics/job/} gets a 307 to
 * {@code /metrics/job}, as its router does for a trailing slash. A client that follows them lands
 * on the same answers as there (often a 404 or 405, since a 301 is followed with GET).
 */
final class PathRedirect {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathRedirect() {
    }

    /**
     * The path with {@code .} and {@code ..} segments resolved and repeated slashes merged; a
     * trailing slash is kept. Same result as Go's {@code path.Clean} plus its server's
     * trailing-slash rule.
     */
    static String clean(String p) {
        if (isClean(p)) {
            return p; // every push takes this path: no allocation
        }
        if (p.isEmpty()) {
            return "/";
        }
        if (p.charAt(0) != '/') {
            p = "/" + p;
        }
        String[] parts = p.split("/", -1);
        StringBuilder out = new StringBuilder(p.length());
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        for (String s : parts) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                stack.pollLast();
            } else {
                stack.addLast(s);
            }
        }
        for (String s : stack) {
            out.append('/').append(s);
        }
        if (out.length() == 0) {
            return "/";
        }
        if (p.endsWith("/")) {
            out.append('/');
        }
        return out.toString();
    }

    /** Rooted, and no empty, {@code .} or {@code ..} segment except an empty last one (a trailing slash). */
    static boolean isClean(String p) {
        int n = p.length();
        if (n == 0 || p.charAt(0) != '/') {
            return false;
        }
        int start = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || p.charAt(i) == '/') {
                int len = i - start;
                boolean last = i == n;
                if (len == 0 && !last) {
                    return false;
                }
                if (len == 1 && p.charAt(start) == '.' || len == 2 && p.charAt(start) == '.' && p.charAt(start + 1) == '.') {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** Percent-encodes a decoded path as Go's URL type prints it: unreserved and {@code $&+,/:;=@} stay. */
    static String escape(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-_.~$&+,/:;=@".indexOf(c) >= 0;
            if (keep) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return sb.toString();
    }

    /** Answers a redirect: Location with the query kept; a GET gets the short HTML body Go's server writes. */
    static void send(HttpServerExchange ex, int status, String escapedPath) {
        String query = ex.getQueryString();
        String location = query == null || query.isEmpty() ? escapedPath : escapedPath + "?" + query;
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.LOCATION, location);
        String method = ex.getRequestMethod().toString();
        if (method.equals("GET") || method.equals("HEAD")) {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        }
        if (method.equals("GET")) {
            String text = status == 301 ? "Moved Permanently" : "Temporary Redirect";
            ex.getResponseSender().send("<a href=\"" + html(location) + "\">" + text + "</a>.\n\n", StandardCharsets.UTF_8);
        } else {
            ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
            ex.endExchange();
        }
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }
}
