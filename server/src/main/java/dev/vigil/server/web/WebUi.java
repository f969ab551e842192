package dev.vigil.server.web;

import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Serves Vigil's web pages and their assets from the jar (module ui); no network at run time. */
public final class WebUi {
    /** Keep in step with {@code uplot.version} in ui/pom.xml; a test checks the asset exists. */
    static final String UPLOT_DIR = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    static final String UI_DIR = "vigil-ui/";

    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html",
            "/graph", "index.html",
            "/query", "index.html",
            "/push", "push.html",
            "/status", "status.html",
            "/flink", "flink.html",
            "/alerts", "alerts.html",
            "/rules", "rules.html");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png");

    /** How many assets are cached (for the test that misses do not grow it). */
    int cached() {
        return cache.size();
    }

    private final ClassLoader loader = WebUi.class.getClassLoader();
    private final byte[] baseTag;

    /** Pages served at the root, as without {@code --web.external-url} or {@code --web.route-prefix}. */
    public WebUi() {
        this("/");
    }

    /**
     * @param linkPrefix the path the browser reaches the pages under ({@code "/"} or e.g.
     *     {@code "/vigil"}): each page gets it as its {@code <base>}, and every link and API call in
     *     the pages is relative, so they work under a route prefix or behind a proxy that strips one
     */
    public WebUi(String linkPrefix) {
        String base = linkPrefix.endsWith("/") ? linkPrefix : linkPrefix + "/";
        String attr = base.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
        this.baseTag = ("<head>\n  <base href=\"" + attr + "\">").getBytes(StandardCharsets.UTF_8);
    }
    /**
     * Assets are immutable inside the jar, so each is read once. Only assets that exist are kept:
     * a miss is keyed by whatever path a client sends, and caching those would grow without bound.
     */
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** Adds the page and asset routes (GET only). */
    public void register(Routes routes) {
        for (Map.Entry<String, String> page : new java.util.TreeMap<>(PAGES).entrySet()) {
            String resource = UI_DIR + page.getValue();
            routes.get(Role.READ, page.getKey(), exchange -> serve(exchange, resource, false));
        }
        routes.get(Role.READ, "/static/*", this::serveStatic);
    }

    private void serveStatic(HttpServerExchange exchange) {
        String path = exchange.getRelativePath();
        if (!path.startsWith("/static/")) {
            path = exchange.getRequestPath();
        }
        String rel = path.substring("/static/".length());
        if (rel.isEmpty() || rel.contains("..") || rel.contains("//") || rel.startsWith("/")) {
            notFound(exchange);
            return;
        }
        String resource = rel.startsWith("uplot/") ? UPLOT_DIR + rel.substring("uplot/".length()) : UI_DIR + "static/" + rel;
        serve(exchange, resource, true);
    }

    private void serve(HttpServerExchange exchange, String resource, boolean cacheable) {
        Optional<byte[]> body = Optional.ofNullable(cache.get(resource));
        if (body.isEmpty()) {
            body = read(resource).map(b -> resource.endsWith(".html") ? withBase(b) : b);
            body.ifPresent(b -> cache.put(resource, b));
        }
        if (body.isEmpty()) {
            notFound(exchange);
            return;
        }
        String ext = resource.substring(resource.lastIndexOf('.') + 1);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TYPES.getOrDefault(ext, "application/octet-stream"));
        // Pages must pick up a new jar at once; assets may be cached briefly by the browser.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, cacheable ? "public, max-age=300" : "no-cache");
        exchange.getResponseSender().send(ByteBuffer.wrap(body.get()));
    }

    private byte[] withBase(byte[] page) {
        String html = new String(page, StandardCharsets.UTF_8);
        int at = html.indexOf("<head>");
        if (at < 0) {
            throw new IllegalStateException("a page without <head>");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.length + baseTag.length);
        byte[] before = html.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] after = html.substring(at + "<head>".length()).getBytes(StandardCharsets.UTF_8);
        out.writeBytes(before);
        out.writeBytes(baseTag);
        out.writeBytes(after);
        return out.toByteArray();
    }

    private Optional<byte[]> read(String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void notFound(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("404 page not found\n");
    }
}
