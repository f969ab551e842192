package dev.vigil.server.push;

import dev.vigil.ingest.StoreIngest;
import dev.vigil.ingest.push.PushGroups;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import io.undertow.Undertow;
import io.undertow.server.RoutingHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A push endpoint on a loopback port over a real store, for tests. */
final class PushServer implements AutoCloseable {
    final Storage store;
    final PushGroups groups;
    final Undertow server;
    final int port;
    final HttpClient http = HttpClient.newHttpClient();

    PushServer(Path dir, PushOptions options) throws IOException {
        this(dir, options, 0);
    }

    PushServer(Path dir, PushOptions options, int maxSeries) throws IOException {
        this.store = Db.open(DbOptions.builder(dir.resolve("data")).maxSeries(maxSeries).build());
        this.groups = new PushGroups(store, options, System::currentTimeMillis);
        PushApi api = new PushApi(new StoreIngest(store, groups));
        RoutingHandler r = new RoutingHandler();
        api.register(new Routes(r, Routes.Guard.OPEN));
        r.get("/metrics", api.exposition());
        this.server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(r).build();
        server.start();
        this.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException {
        server.stop();
        groups.close();
        store.close();
    }
}
