package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web config and roles file on a running server: defaults, networks, reload. */
class WebSecurityServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private static final String PUSH_BODY = "vigil_security_test 1\n";

    private HttpResponse<String> push(SecuredServer s, String port, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base(port) + "/metrics/job/sec"))
                .PUT(HttpRequest.BodyPublishers.ofString(PUSH_BODY));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutARolesFileEveryUserMayDoEverything(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(""), null, client)) {
            HttpResponse<String> anon = s.call("web", "GET", "/api/v1/query?query=1", null);
            assertEquals(401, anon.statusCode());
            assertEquals("Unauthorized\n", anon.body());
            assertEquals("Basic", anon.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(200, s.call("web", "GET", "/-/healthy", null).statusCode(), "probes stay open");
            String reader = SecuredServer.basic("reader", "reader-pw");
            assertEquals(2, push(s, "push", reader).statusCode() / 100, "any user may push without roles");
            assertEquals(200, s.call("web", "GET", "/api/v1/query?query=vigil_security_test", reader).statusCode());
            assertEquals(2, s.call("web", "PUT", "/api/v1/admin/wipe", reader).statusCode() / 100);
        }
    }

    @Test
    void aNetworkMayPushWithoutCredentialsButNotRead(@TempDir Path dir) throws Exception {
        String roles = SecuredServer.ROLES + "networks:\n  push: [127.0.0.0/8]\n";
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(""), roles, client)) {
            assertEquals(2, push(s, "push", null).statusCode() / 100);
            assertEquals(2, push(s, "web", null).statusCode() / 100);
            assertEquals(401, s.call("web", "GET", "/api/v1/query?query=1", null).statusCode());
            assertEquals(401, push(s, "push", SecuredServer.basic("pusher", "wrong")).statusCode(),
                    "wrong credentials are wrong even from an allowed network");
        }
        String elsewhere = SecuredServer.ROLES + "networks:\n  push: [10.99.0.0/16]\n";
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(""), elsewhere, client)) {
            assertEquals(401, push(s, "push", null).statusCode());
        }
    }

    @Test
    void aChangedFileTakesEffectAndABadOneKeepsTheOld(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(""), SecuredServer.ROLES, client)) {
            String oldPw = SecuredServer.basic("reader", "reader-pw");
            assertEquals(200, s.call("web", "GET", "/api/v1/labels", oldPw).statusCode());
            String changed = SecuredServer.webConfig("").replaceAll("reader: .*", java.util.regex.Matcher.quoteReplacement("reader: " + SecuredServer.hash("new-pw")));
            Files.writeString(dir.resolve("web.yml"), changed);
            String newPw = SecuredServer.basic("reader", "new-pw");
            waitFor(() -> s.call("web", "GET", "/api/v1/labels", newPw).statusCode() == 200);
            assertEquals(401, s.call("web", "GET", "/api/v1/labels", oldPw).statusCode());
            Files.writeString(dir.resolve("web.yml"), changed + "unknown_key: 1\n");
            Thread.sleep(4 * dev.vigil.server.VigilServerAccess.pollMs());
            assertEquals(200, s.call("web", "GET", "/api/v1/labels", newPw).statusCode(), "the bad file is not used");
            // The roles file is watched too (with the web config mended: both are read together).
            Files.writeString(dir.resolve("web.yml"), changed);
            Files.writeString(dir.resolve("roles.yml"), SecuredServer.ROLES.replace("reader: [read]", "reader: [push]"));
            waitFor(() -> s.call("web", "GET", "/api/v1/labels", newPw).statusCode() == 403);
        }
    }

    @Test
    void aBadFileAtStartNamesItsLine(@TempDir Path dir) {
        Exception e = assertThrows(IllegalArgumentException.class, () -> SecuredServer.start(dir,
                SecuredServer.webConfig("http_server_config:\n  headers:\n    Server: x\n"), null, client));
        assertTrue(e.getMessage().matches(".*web\\.yml:7: HTTP header \"Server\" can not be configured"), e.getMessage());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check c) throws Exception {
        long end = System.currentTimeMillis() + 15_000;
        while (!c.ok()) {
            assertTrue(System.currentTimeMillis() < end, "not within 15 s");
            Thread.sleep(200);
        }
    }
}
