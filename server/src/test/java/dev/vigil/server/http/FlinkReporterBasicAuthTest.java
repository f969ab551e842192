package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.SecuredServer;
import java.io.File;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink 2.3.0's PrometheusPushGatewayReporter, the first release with {@code username} and
 * {@code password} options, pushing into Vigil behind a web config with basic auth and roles:
 * the push role's credentials are let in, a wrong password gets 401 and a reader 403, and
 * nothing of theirs is stored. It runs in a JVM of its own (the release's jars, copied by the
 * build into target/flink-2.3-reporter; this module's Flink is 1.20). 2.3.0 encodes the header
 * with JAXB's DatatypeConverter, absent from Java 11 on (FLINK-40592): without a jaxb-api jar
 * the reporter cannot even start, which the test also pins down.
 */
class FlinkReporterBasicAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JARS = Path.of("target", "flink-2.3-reporter");
    private static final String METRIC = "flink_taskmanager_flinkAuthGauge";

    private static String report(Path dir, boolean withJaxb, String url, String... credentials) throws Exception {
        List<String> cp = new ArrayList<>();
        try (Stream<Path> jars = Files.list(JARS)) {
            jars.filter(j -> withJaxb || !j.getFileName().toString().startsWith("jaxb-api")).forEach(j -> cp.add(j.toAbsolutePath().toString()));
        }
        assertTrue(cp.size() >= 6, "the build copied the reporter's jars into " + JARS.toAbsolutePath() + ": " + cp);
        Path source = Path.of(FlinkReporterBasicAuthTest.class.getResource("/flink-reporter/FlinkPushOnce.java").toURI());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), source.toString(), url));
        cmd.addAll(List.of(credentials));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the reporter finished");
        return out;
    }

    private static JsonNode query(SecuredServer s, String q) throws Exception {
        HttpResponse<String> r = s.call("web", "GET", "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8),
                SecuredServer.basic("reader", "reader-pw"));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("data").path("result");
    }

    @Test
    void flink23PushesWithThePushRolesCredentialsAndIsRefusedWithOthers(@TempDir Path dir) throws Exception {
        try (SecuredServer s = SecuredServer.start(dir, SecuredServer.webConfig(""), SecuredServer.ROLES, HttpClient.newHttpClient())) {
            String url = s.base("push");
            String wrong = report(dir, true, url, "pusher", "not-the-password");
            assertTrue(wrong.contains("was 401"), "a wrong password is refused: " + wrong);
            String reader = report(dir, true, url, "reader", "reader-pw");
            assertTrue(reader.contains("was 403"), "a user without the push role is refused: " + reader);
            String none = report(dir, true, url);
            assertTrue(none.contains("was 401"), "no credentials at all are refused: " + none);
            assertEquals(0, query(s, METRIC).size(), "nothing refused was stored");

            String right = report(dir, true, url, "pusher", "pusher-pw");
            assertTrue(right.contains("reported") && !right.contains("Response code"), right);
            JsonNode r = query(s, METRIC);
            assertEquals(1, r.size(), r.toString());
            assertEquals("42", r.get(0).path("value").get(1).asText());
            assertEquals("flinkauth", r.get(0).path("metric").path("job").asText());
            assertEquals("c1", r.get(0).path("metric").path("cluster").asText());
        }
    }

    @Test
    void flink23WithoutJaxbCannotStartItsReporterWithCredentials(@TempDir Path dir) throws Exception {
        // What a user of the plain 2.3.0 distribution on Java 11+ meets (FLINK-40592); push by network then.
        String out = report(dir, false, "http://127.0.0.1:1", "pusher", "pusher-pw");
        assertTrue(out.contains("javax/xml/bind/DatatypeConverter"), out);
    }
}
