package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.ingest.Ingest;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.testing.MemoryStorage;
import io.undertow.server.RoutingHandler;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushRoutesRoleTest {
    @Test
    void pushingDeletingReadingAndWipingNeedTheirRoles() throws Exception {
        try (Ingest ingest = Ingest.open(new MemoryStorage(), PushOptions.defaults().withAdminApi(true), System::currentTimeMillis)) {
            Routes routes = new Routes(new RoutingHandler(false), Routes.Guard.OPEN);
            new PushApi(ingest).register(routes);
            Map<String, Role> role = new HashMap<>();
            for (Routes.Route r : routes.registered()) {
                role.put(r.method() + " " + r.path(), r.role());
            }
            for (String m : new String[] {"PUT", "POST", "DELETE"}) {
                assertEquals(Role.PUSH, role.get(m + " /metrics/*"), m);
            }
            assertEquals(Role.PUSH, role.get("POST /api/v1/write"));
            assertEquals(Role.PUSH, role.get("POST /api/v1/import/prometheus"));
            assertEquals(Role.READ, role.get("GET /api/v1/metrics"));
            assertEquals(Role.READ, role.get("GET /api/v1/status"));
            assertEquals(Role.READ, role.get("GET /api/v1/push/groups"));
            assertEquals(Role.ADMIN, role.get("PUT /api/v1/admin/wipe"));
        }
    }
}
