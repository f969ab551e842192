package dev.vigil.server.http.webconfig;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * Fuzz target for the web config and roles file parsers: any text is either a configuration or an
 * IllegalArgumentException naming the file and line; no other exception, and no input takes
 * long (a file is read at start and on every change). {@code mvn test} replays the seeds in
 * {@code WebConfigFuzzTestInputs/parse}; fuzz with {@code JAZZER_FUZZ=1}.
 */
class WebConfigFuzzTest {
    private static final long LIMIT_NANOS = 2_000_000_000L;
    private static final int WARM_UP = 100;
    private static int runs;

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        try {
            WebConfig c = WebConfigParser.parse(text, "web.yml", Path.of("/etc/vigil"));
            RolesParser.parse(text, "roles.yml", c.users().keySet());
        } catch (IllegalArgumentException expected) {
            String m = String.valueOf(expected.getMessage());
            assertTrue(m.startsWith("web.yml:") || m.startsWith("roles.yml:"), m);
        }
        long took = System.nanoTime() - start;
        assertTrue(++runs < WARM_UP || took < LIMIT_NANOS, "took " + took / 1_000_000 + " ms for " + text.length() + " chars");
    }

    @FuzzTest(maxDuration = "2m")
    void roles(byte[] data) {
        try {
            RolesParser.parse(new String(data, StandardCharsets.UTF_8), "roles.yml", Set.of("alice", "bob"));
        } catch (IllegalArgumentException expected) {
            assertTrue(String.valueOf(expected.getMessage()).startsWith("roles.yml:"), expected.getMessage());
        }
    }
}
