package dev.vigil.server;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A real server (both ports, the push API) over a memory store, started with a web config and roles file. */
public final class SecuredServer implements AutoCloseable {
    /** Users of the test web config: name = password + "-pw"; each holds the role of its name. */
    public static final List<String> USERS = List.of("pusher", "reader", "admin");

    public final VigilServer server;
    public final Path dir;
    private final HttpClient client;

    private SecuredServer(VigilServer server, Path dir, HttpClient client) {
        this.server = server;
        this.dir = dir;
        this.client = client;
    }

    /** A bcrypt hash as htpasswd writes it ($2y$), at the cheapest cost so tests stay fast. */
    public static String hash(String password) {
        return new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(4, password.toCharArray()), StandardCharsets.US_ASCII);
    }

    /** The web config listing {@link #USERS}, plus {@code extra} (TLS, headers) appended as is. */
    public static String webConfig(String extra) {
        StringBuilder sb = new StringBuilder("basic_auth_users:\n");
        for (String u : USERS) {
            sb.append("  ").append(u).append(": ").append(hash(u + "-pw")).append('\n');
        }
        return sb.append(extra).toString();
    }

    public static final String ROLES = "users:\n  pusher: [push]\n  reader: [read]\n  admin: [push, read, admin]\n";

    /**
     * Starts with {@code webConfig} and {@code roles} written to files (either may be null: flag not given),
     * lifecycle and admin API on.
     */
    public static SecuredServer start(Path dir, String webConfig, String roles, HttpClient client, String... moreFlags)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.enable-lifecycle", "--web.enable-admin-api"));
        if (webConfig != null) {
            Files.writeString(dir.resolve("web.yml"), webConfig);
            args.add("--web.config.file=" + dir.resolve("web.yml"));
        }
        if (roles != null) {
            Files.writeString(dir.resolve("roles.yml"), roles);
            args.add("--web.roles.file=" + dir.resolve("roles.yml"));
        }
        args.addAll(List.of(moreFlags));
        ServerConfig cfg = Flags.parse(args.toArray(new String[0]));
        Wiring w = new Wiring(() -> (Storage) new MemoryStorage(), st -> new PromEngine(st, EngineOptions.DEFAULT),
                PushWiring.push(cfg, System.currentTimeMillis()));
        return new SecuredServer(VigilServer.start(cfg, w, () -> { }), dir, client);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public String base(String port) {
        var a = port.equals("push") ? server.pushAddress() : server.webAddress();
        return "http://127.0.0.1:" + a.getPort();
    }

    /** {@code method path} on {@code port} with an Authorization header unless null; an empty body. */
    public HttpResponse<String> call(String port, String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(port) + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
