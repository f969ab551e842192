package dev.vigil.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A port's routes, each registered with the {@link Role} it needs; the guard puts the role's check in
 * front of the handler, and the list of what was registered lets the README's route table be tested
 * against the routes themselves.
 */
public final class Routes {
    /** Puts a role's check in front of a handler. */
    @FunctionalInterface
    public interface Guard {
        HttpHandler guard(Role role, HttpHandler handler);

        /** Lets every caller through: no web config. */
        Guard OPEN = (role, handler) -> handler;
    }

    /** One registered route. */
    public record Route(String method, String path, Role role) {
    }

    private final RoutingHandler routing;
    private final Guard guard;
    private final List<Route> registered = new ArrayList<>();

    public Routes(RoutingHandler routing, Guard guard) {
        this.routing = routing;
        this.guard = guard;
    }

    /** Registers {@code handler} for {@code method} on {@code path} behind {@code role}'s check. */
    public Routes add(Role role, String method, String path, HttpHandler handler) {
        routing.add(method, path, guard.guard(role, handler));
        registered.add(new Route(method, path, role));
        return this;
    }

    public Routes get(Role role, String path, HttpHandler handler) {
        return add(role, "GET", path, handler);
    }

    public Routes post(Role role, String path, HttpHandler handler) {
        return add(role, "POST", path, handler);
    }

    public Routes put(Role role, String path, HttpHandler handler) {
        return add(role, "PUT", path, handler);
    }

    /** What was registered so far, in order. */
    public List<Route> registered() {
        return Collections.unmodifiableList(registered);
    }

    /** The underlying router, for its fallback and invalid-method handlers. */
    public RoutingHandler routing() {
        return routing;
    }
}
