package dev.vigil.server.api;

import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** The production server (on-disk store, push routes, admin API) on a free loopback port. */
final class LiveVigil implements AutoCloseable {
    final VigilServer server;
    final String base;

    LiveVigil(Path data, String... extra) throws Exception {
        String[] flags = new String[extra.length + 4];
        flags[0] = "--web.listen-address=127.0.0.1:0";
        flags[1] = "--push.listen-address=";
        flags[2] = "--storage.tsdb.path=" + data;
        flags[3] = "--web.enable-admin-api";
        System.arraycopy(extra, 0, flags, 4, extra.length);
        ServerConfig cfg = Flags.parse(flags);
        server = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
        base = "http://127.0.0.1:" + server.webAddress().getPort();
    }

    static HttpResponse<String> send(String base, String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        b.header("Content-Type", "application/x-www-form-urlencoded");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        return send(base, method, pathAndQuery, body);
    }

    @Override
    public void close() {
        server.close();
    }
}
