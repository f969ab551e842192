package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil test rules FILE...}: the Flink pack's tests pass, a wrong expectation fails with exit 1. */
class TestRulesCommandTest {
    private static final Path PACK = Path.of("..", "docs", "rules").toAbsolutePath().normalize();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void thePacksTestsPass() {
        String file = PACK.resolve("flink_test.yml").toString();
        assertEquals(0, run("test", "rules", file), err.toString(StandardCharsets.UTF_8));
        assertEquals("Unit Testing:  " + file + "\n  SUCCESS\n\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aWrongExpectationFailsWithExitOne() throws Exception {
        Files.copy(PACK.resolve("flink.yml"), dir.resolve("flink.yml"));
        String test = Files.readString(PACK.resolve("flink_test.yml")).replace("has used 95% of its heap", "has used 96% of its heap");
        Files.writeString(dir.resolve("t.yml"), test);
        assertEquals(1, run("test", "rules", PACK.resolve("flink_test.yml").toString(), dir.resolve("t.yml").toString()));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("  FAILED:\n    name: heap above 90 % fires after 10 minutes,\n    alertname: FlinkTaskManagerHeapHigh, time: 10m, \n"), e);
        assertTrue(e.contains("Annotations:{description=\"TaskManager tm1 has used 95% of its heap for 10 minutes.\""), e);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  SUCCESS\n"), "the first file still passes");
    }

    @Test
    void badCommandLinesExitOne() {
        assertEquals(1, run("test"));
        assertEquals(1, run("test", "rules"));
        assertEquals(1, run("test", "rules", dir.resolve("missing.yml").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not exist"));
    }
}
