package dev.vigil.server.http.webconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import dev.vigil.tsdb.testing.References;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web config parser accepts and rejects what Prometheus 2.42's promtool does, naming the line. */
class WebConfigParserTest {
    private static final String HASH = SecuredServer.hash("pw");

    /** Files and whether the toolkit accepts them. */
    private static Map<String, Boolean> cases() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("basic_auth_users:\n  alice: " + HASH + "\n", true);
        m.put("", true);
        m.put("basic_auth_users:\n  alice: " + HASH + "\nvigil:\n  roles: {}\n", false);
        m.put("basic_auth_users:\n  alice: not-a-hash\n", false);
        m.put("http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=1\n", true);
        m.put("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", false);
        m.put("http_server_config:\n  headers:\n    Server: vigil\n", false);
        m.put("http_server_config:\n  http2: false\n", true);
        m.put("tls_server_config:\n  client_auth_type: Nonsense\n  cert_file: a\n  key_file: b\n", false);
        m.put("tls_server_config:\n  cert_file: a\n", false);
        m.put("tls_server_config:\n  bogus: 1\n", false);
        return m;
    }

    @Test
    void acceptsAndRejectsWhatPromtoolDoes(@TempDir Path dir) throws Exception {
        Path promtool = References.require("promtool");
        int i = 0;
        for (Map.Entry<String, Boolean> c : cases().entrySet()) {
            Path f = dir.resolve("web" + i++ + ".yml");
            Files.writeString(f, c.getKey());
            Process p = new ProcessBuilder(promtool.toString(), "check", "web-config", f.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(c.getValue(), p.exitValue() == 0, "promtool on\n" + c.getKey() + out);
            boolean ours;
            try {
                WebConfigParser.load(f);
                ours = true;
            } catch (IllegalArgumentException e) {
                ours = false;
                assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
            }
            assertEquals(c.getValue(), ours, "Vigil on\n" + c.getKey());
        }
    }

    @Test
    void anErrorNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebConfigParser.parse(
                "basic_auth_users:\n  alice: " + HASH + "\nvigil: {}\n", "web.yml", Path.of("/etc")));
        assertEquals("web.yml:3: field vigil not found in type web.Config", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WebConfigParser.parse(
                "basic_auth_users:\n  alice: " + HASH + "\n  bob: secret\n", "web.yml", Path.of("/etc")));
        assertTrue(e.getMessage().startsWith("web.yml:3: "), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), "the value is not echoed: " + e.getMessage());
    }

    @Test
    void tlsSettingsResolveAgainstTheFileAndMapVersions() {
        WebConfig c = WebConfigParser.parse("tls_server_config:\n  cert_file: a.crt\n  key_file: /k/b.key\n"
                + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  min_version: TLS13\n"
                + "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]\n", "w", Path.of("/etc/vigil"));
        assertEquals(Path.of("/etc/vigil/a.crt"), c.tls().certFile());
        assertEquals(Path.of("/k/b.key"), c.tls().keyFile());
        assertEquals(ClientAuth.REQUIRE_AND_VERIFY_CLIENT_CERT, c.tls().clientAuth());
        assertEquals(java.util.List.of("TLSv1.3"), c.tls().protocols());
        assertEquals(java.util.List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), c.tls().cipherSuites());
        assertThrows(IllegalArgumentException.class, () -> WebConfigParser.parse(
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", "w", Path.of("/")));
        assertThrows(IllegalArgumentException.class, () -> WebConfigParser.parse(
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n", "w", Path.of("/")));
    }

    @Test
    void curvePreferencesAndHttp2AreRead() {
        WebConfig c = WebConfigParser.parse("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                + "  curve_preferences: [X25519, CurveP384]\nhttp_server_config:\n  http2: false\n", "w", Path.of("/"));
        assertEquals(java.util.List.of("x25519", "secp384r1"), c.tls().namedGroups(), "Go's names, in order, as the JDK's");
        assertEquals(false, c.http2());
        assertEquals(true, WebConfigParser.parse("basic_auth_users: {}\n", "w", Path.of("/")).http2(), "on by default");
        assertThrows(IllegalArgumentException.class, () -> WebConfigParser.parse(
                "tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [P256]\n", "w", Path.of("/")));
    }

    @Test
    void rolesFileNamesUnknownRolesAndUsers() {
        RolesConfig r = RolesParser.parse("users:\n  a: [push, read]\nnetworks:\n  push: [10.0.0.0/8, '::1']\n", "r",
                Set.of("a"));
        assertEquals(2, r.users().get("a").size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RolesParser.parse("users:\n  a: [write]\n", "r", Set.of("a")));
        assertEquals("r:2: unknown role \"write\": expected push, read or admin", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RolesParser.parse("users:\n  b: [read]\n", "r", Set.of("a")));
        assertTrue(e.getMessage().contains("\"b\" is not in basic_auth_users"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RolesParser.parse("networks:\n  push: [10.0.0.0/33]\n", "r", Set.of()));
        assertEquals("r:2: bad prefix length in 10.0.0.0/33", e.getMessage());
    }

    @Test
    void cidrMatchesItsNetworkOnly() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertTrue(c.contains(java.net.InetAddress.getByName("10.1.200.3")));
        assertTrue(!c.contains(java.net.InetAddress.getByName("10.2.0.1")));
        assertTrue(c.contains(java.net.InetAddress.getByName("::ffff:10.1.0.9")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
    }
}
