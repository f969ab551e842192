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
            var m = java.util.regex.Pattern.compile("(?:src|href)=\"(/static/[^\"]+)\"").matcher(r.body());
            int assets = 0;
            while (m.find()) {
                assertEquals(200, get(m.group(1)).statusCode(), page + " -> " + m.group(1));
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
}
