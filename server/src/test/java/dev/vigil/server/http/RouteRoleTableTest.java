package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route the running server registered, on both ports, asked with no credentials, a wrong
 * password, a user without the route's role and one with it: 401, 401, 403, and neither. The
 * routes come from the server itself, so a route added later is in this test without anyone
 * listing it; and the README's route table must be the same list.
 */
class RouteRoleTableTest {
    private static final String BEGIN = "<!-- routes-by-role:begin -->";
    private static final String END = "<!-- routes-by-role:end -->";

    @TempDir
    static Path dir;
    private static SecuredServer s;

    @BeforeAll
    static void start() throws Exception {
        s = SecuredServer.start(dir, SecuredServer.webConfig(""), SecuredServer.ROLES, HttpClient.newHttpClient());
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void everyRouteAnswersEachCredentialAsItsRoleSays() throws Exception {
        Map<String, List<Routes.Route>> all = s.server.registeredRoutes();
        assertTrue(all.get("web").size() > 40, "the main port's routes: " + all.get("web"));
        assertTrue(all.get("push").stream().anyMatch(r -> r.path().equals("/metrics/*")), "push routes on the push port");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, List<Routes.Route>> port : all.entrySet()) {
            for (Routes.Route r : port.getValue()) {
                String path = concrete(r.path());
                if (r.role() == Role.PUBLIC) {
                    expectNot(failures, port.getKey(), r, path, null, "no credentials");
                    continue;
                }
                expect(failures, port.getKey(), r, path, null, 401, "no credentials");
                expect(failures, port.getKey(), r, path, SecuredServer.basic(rightUser(r.role()), "wrong"), 401, "wrong password");
                expect(failures, port.getKey(), r, path, SecuredServer.basic(wrongUser(r.role()), wrongUser(r.role()) + "-pw"), 403,
                        "wrong role");
                expectNot(failures, port.getKey(), r, path,
                        SecuredServer.basic(rightUser(r.role()), rightUser(r.role()) + "-pw"), "right role");
                checked++;
            }
        }
        assertTrue(checked > 50, "checked " + checked);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void theReadmeTableListsExactlyTheRegisteredRoutes() throws Exception {
        String readme = Files.readString(readme());
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        assertTrue(b >= 0 && e > b, "README.md has no " + BEGIN + " ... " + END + " block");
        String inReadme = readme.substring(b + BEGIN.length(), e).strip();
        String expected = table(s.server.registeredRoutes());
        assertEquals(expected, inReadme, "README.md's route table differs from the routes registered; expected:\n" + expected);
    }

    /** The table as the README holds it: one row per path, role and ports, the methods together. */
    static String table(Map<String, List<Routes.Route>> all) {
        Map<String, TreeSet<String>> ports = new TreeMap<>();
        Map<String, TreeSet<String>> methods = new TreeMap<>();
        for (Map.Entry<String, List<Routes.Route>> p : all.entrySet()) {
            for (Routes.Route r : p.getValue()) {
                String key = r.path() + "\t" + r.role().name().toLowerCase(Locale.ROOT) + "\t" + r.method();
                ports.computeIfAbsent(key, k -> new TreeSet<>()).add(p.getKey());
            }
        }
        for (Map.Entry<String, TreeSet<String>> e : ports.entrySet()) {
            String[] k = e.getKey().split("\t");
            methods.computeIfAbsent(k[0] + "\t" + k[1] + "\t" + String.join(", ", e.getValue()), x -> new TreeSet<>()).add(k[2]);
        }
        StringBuilder sb = new StringBuilder("| Path | Role | Methods | Ports |\n| --- | --- | --- | --- |\n");
        for (Map.Entry<String, TreeSet<String>> e : methods.entrySet()) {
            String[] k = e.getKey().split("\t");
            sb.append("| `").append(k[0]).append("` | ").append(k[1]).append(" | ").append(String.join(", ", e.getValue()))
                    .append(" | ").append(k[2]).append(" |\n");
        }
        return sb.toString().strip();
    }

    private static Path readme() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md")) || p != null && !Files.exists(p.resolve("server"))) {
            p = p.getParent();
        }
        return p.resolve("README.md");
    }

    private static String concrete(String template) {
        return template.replace("{name}", "job").replace("/metrics/*", "/metrics/job/table-test")
                .replace("/static/*", "/static/vigil.css");
    }

    private static String rightUser(Role r) {
        return switch (r) {
            case PUSH -> "pusher";
            case READ -> "reader";
            default -> "admin";
        };
    }

    private static String wrongUser(Role r) {
        return r == Role.PUSH ? "reader" : "pusher";
    }

    private static void expect(List<String> failures, String port, Routes.Route r, String path, String auth, int want,
            String what) throws Exception {
        HttpResponse<String> rsp = s.call(port, r.method(), path, auth);
        if (rsp.statusCode() != want) {
            failures.add(port + " " + r.method() + " " + path + " (" + r.role() + ") with " + what + ": " + rsp.statusCode()
                    + ", expected " + want);
        } else if (want == 401 && !"Basic".equals(rsp.headers().firstValue("WWW-Authenticate").orElse(""))) {
            failures.add(port + " " + r.method() + " " + path + ": 401 without WWW-Authenticate: Basic");
        }
    }

    private static void expectNot(List<String> failures, String port, Routes.Route r, String path, String auth, String what)
            throws Exception {
        int code = s.call(port, r.method(), path, auth).statusCode();
        if (code == 401 || code == 403) {
            failures.add(port + " " + r.method() + " " + path + " (" + r.role() + ") with " + what + ": " + code);
        }
    }

    @Test
    void noGetActs() throws Exception {
        // A GET on a push or admin route is a 405, even for a caller holding the role.
        List<String> acting = new ArrayList<>();
        for (Map.Entry<String, List<Routes.Route>> port : s.server.registeredRoutes().entrySet()) {
            for (Routes.Route r : port.getValue()) {
                if (r.method().equals("GET") && (r.role() == Role.PUSH || r.role() == Role.ADMIN)) {
                    String user = rightUser(r.role());
                    int code = s.call(port.getKey(), "GET", concrete(r.path()), SecuredServer.basic(user, user + "-pw")).statusCode();
                    if (code != 405) {
                        acting.add(port.getKey() + " GET " + r.path() + ": " + code);
                    }
                }
            }
        }
        assertTrue(acting.isEmpty(), String.join("\n", acting));
    }
}
