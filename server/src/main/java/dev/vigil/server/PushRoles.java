package dev.vigil.server;

import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.HttpString;

/**
 * Registers a {@link RouteSet} that adds plain routes through {@link Routes}, each with the role its
 * path implies, so no route is left unguarded until the set names its roles itself.
 */
final class PushRoles {
    private PushRoles() {
    }

    static void register(RouteSet set, Routes routes) {
        set.register(new RoutingHandler(false) {
            @Override
            public synchronized RoutingHandler add(HttpString method, String path, HttpHandler handler) {
                routes.add(role(path), method.toString(), path, handler);
                return this;
            }
        });
    }

    /** Push, remote write and import need push; wiping needs admin; reading groups and status needs read. */
    static Role role(String path) {
        if (path.startsWith("/api/v1/admin/")) {
            return Role.ADMIN;
        }
        if (path.startsWith("/metrics/") || path.equals("/api/v1/write") || path.startsWith("/api/v1/import/")) {
            return Role.PUSH;
        }
        return Role.READ;
    }
}
