package dev.vigil.server.web;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

    private final ClassLoader loader = WebUi.class.getClassLoader();
    /** Assets are immutable inside the jar, so each is read once. */
    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    /** Adds the page and asset routes (GET only). */
    public void register(RoutingHandler routes) {
        for (Map.Entry<String, String> page : PAGES.entrySet()) {
            String resource = UI_DIR + page.getValue();
            routes.get(page.getKey(), exchange -> serve(exchange, resource, false));
        }
        routes.get("/static/*", this::serveStatic);
    }

    /** The handler for {@code /static/*}, usable outside a RoutingHandler too. */
    public HttpHandler staticHandler() {
        return this::serveStatic;
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
        Optional<byte[]> body = cache.computeIfAbsent(resource, this::read);
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
