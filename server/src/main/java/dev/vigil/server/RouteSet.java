package dev.vigil.server;

import dev.vigil.server.http.Routes;

/** A group of routes another package contributes to a port, each with its role (the push API registers itself this way). */
@FunctionalInterface
public interface RouteSet {
    void register(Routes routes);
}
