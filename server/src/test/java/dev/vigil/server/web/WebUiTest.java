package dev.vigil.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.server.RoutingHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebUiTest {
    private static Undertow server;
    private static String base;
    private static final HttpClient client = HttpClient.newHttpClient();

    private static final WebUi ui = new WebUi();

    @BeforeAll
    static void start() {
        RoutingHandler routes = new RoutingHandler();
        ui.register(new dev.vigil.server.http.Routes(routes, dev.vigil.server.http.Routes.Guard.OPEN));
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(routes).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyPageAndTheAssetsItLoadsAreServed() throws Exception {
        for (String page : new String[] {"/", "/push", "/status", "/flink", "/alerts", "/rules"}) {
            HttpResponse<String> r = get(page);
            assertEquals(200, r.statusCode(), page);
            assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
            // Each page's scripts and stylesheets must resolve inside the jar.
            // They are relative to the page's <base>, the root here.
            assertTrue(r.body().contains("<head>\n  <base href=\"/\">"), page);
            var m = java.util.regex.Pattern.compile("(?:src|href)=\"(static/[^\"]+)\"").matcher(r.body());
            int assets = 0;
            while (m.find()) {
                assertEquals(200, get("/" + m.group(1)).statusCode(), page + " -> " + m.group(1));
                assets++;
            }
            assertTrue(assets >= 2, page + " loads its assets");
        }
    }

    @Test
    void uplotComesFromTheWebJar() throws Exception {
        HttpResponse<String> r = get("/static/uplot/uPlot.iife.min.js");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("uPlot"));
        assertEquals("text/javascript; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void modulesImportedByScriptsExist() throws Exception {
        for (String js : new String[] {"query.js", "push.js", "status.js", "flink.js", "alerts.js", "rules.js", "chart.js", "completion.js"}) {
            HttpResponse<String> r = get("/static/" + js);
            assertEquals(200, r.statusCode(), js);
            var m = java.util.regex.Pattern.compile("from '\\./([^']+)'").matcher(r.body());
            while (m.find()) {
                assertEquals(200, get("/static/" + m.group(1)).statusCode(), js + " imports " + m.group(1));
            }
        }
    }

    @Test
    void missesAreNotCached() throws Exception {
        get("/static/vigil.css");
        int before = ui.cached();
        for (int i = 0; i < 200; i++) {
            assertEquals(404, get("/static/missing-" + i + ".js").statusCode());
        }
        assertEquals(before, ui.cached(), "a path a client makes up must not stay in memory");
    }

    @Test
    void pathTraversalAndUnknownAssetsAre404() throws Exception {
        assertEquals(404, get("/static/../vigil-ui/index.html").statusCode());
        assertEquals(404, get("/static/nope.js").statusCode());
        assertEquals(404, get("/static/%2e%2e/%2e%2e/etc/passwd").statusCode());
    }

    @Test
    void underAPrefixEveryPageNamesItAsItsBase() throws Exception {
        RoutingHandler routes = new RoutingHandler();
        new WebUi("/ops/vi\"gil").register(new dev.vigil.server.http.Routes(routes, dev.vigil.server.http.Routes.Guard.OPEN));
        Undertow prefixed = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(routes).build();
        prefixed.start();
        try {
            int port = ((InetSocketAddress) prefixed.getListenerInfo().get(0).getAddress()).getPort();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/flink")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.body().contains("<base href=\"/ops/vi&quot;gil/\">"), r.body());
        } finally {
            prefixed.stop();
        }
    }

    /**
     * A root-relative address in a page ({@code href="/x"}, {@code fetch('/x')}, or a history entry
     * {@code `?a=b`} that the base would move to the query page) breaks the pages under
     * {@code --web.route-prefix}; every one must go through the base.
     */
    @Test
    void noPageOrScriptAddressesTheRootDirectly() throws Exception {
        var bad = java.util.regex.Pattern.compile("(?:href|src)=\"/|fetch\\(['\"`]/|State\\(null, '', `\\?|href=\"\\?");
        String[] files = {"index.html", "push.html", "status.html", "flink.html", "alerts.html", "rules.html",
            "static/common.js", "static/query.js", "static/push.js", "static/status.js", "static/flink.js",
            "static/alerts.js", "static/rules.js", "static/chart.js", "static/completion.js"};
        for (String f : files) {
            try (var in = WebUi.class.getClassLoader().getResourceAsStream(WebUi.UI_DIR + f)) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                var m = bad.matcher(text);
                assertTrue(!m.find(), f + " addresses the root: " + (m.hitEnd() ? "" : text.substring(m.start(), Math.min(text.length(), m.start() + 40))));
            }
        }
    }
}
