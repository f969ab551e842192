package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownFlagExitsTwoWithOneLine() {
        assertEquals(2, run("--web.listen-adress=:9090"));
        assertEquals("vigil: error: unknown long flag '--web.listen-adress', try --help\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void malformedValueExitsTwo() {
        assertEquals(2, run("--query.lookback-delta", "five minutes"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("vigil: error: invalid value 'five minutes' for flag '--query.lookback-delta'"));
    }

    @Test
    void aBadWebConfigFileExitsOneNamingItsLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path web = dir.resolve("web.yml");
        java.nio.file.Files.writeString(web, "basic_auth_users:\n  alice: plain-text\n");
        assertEquals(1, run("--web.config.file=" + web, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:0", "--push.listen-address="));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("vigil: error: " + web + ":2: basic_auth_users: the password of user \"alice\" is not a bcrypt hash"), e);
        assertTrue(!e.contains("plain-text"), "the value is not repeated");
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String f : new String[] {"--web.listen-address", "--push.listen-address", "--storage.tsdb.path",
                "--storage.tsdb.retention.time", "--storage.tsdb.retention.size", "--query.max-samples"}) {
            assertTrue(help.contains(f), f);
        }
        out.reset();
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("vigil, version "));
    }
}
