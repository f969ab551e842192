package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.Labels;
import io.undertow.server.RoutingHandler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Federation and remote read are reads: they need the read role and nothing more. */
class ReadRoutesRoleTest {
    @Test
    void federationAndRemoteReadAreReads() {
        Routes routes = new Routes(new RoutingHandler(false), Routes.Guard.OPEN);
        new FederateApi(() -> null, () -> Labels.EMPTY, 300_000, System::currentTimeMillis).register(routes, (n, h) -> h);
        new RemoteReadApi(() -> null, () -> Labels.EMPTY, RemoteReadApi.Limits.DEFAULT).register(routes, (n, h) -> h);
        assertEquals(List.of(new Routes.Route("GET", "/federate", Role.READ), new Routes.Route("POST", "/federate", Role.READ),
                new Routes.Route("POST", "/api/v1/read", Role.READ)), routes.registered());
    }
}
