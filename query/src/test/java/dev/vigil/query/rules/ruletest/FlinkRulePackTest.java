package dev.vigil.query.rules.ruletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Flink rule pack in docs/rules is valid for the real promtool and passes its own unit tests there. */
class FlinkRulePackTest {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    static final Path PACK = Path.of("..", "docs", "rules").toAbsolutePath().normalize();

    /** Runs promtool in {@code dir}; returns exit code and combined output. */
    static Result promtool(Path dir, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = PROMTOOL.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
        return new Result(p.exitValue(), out);
    }

    record Result(int code, String output) {
    }

    /** Skips without promtool, printing why; with {@code CI=true} (as .ci/run sets) fails instead. */
    static void requirePromtool() {
        if (Files.isExecutable(PROMTOOL)) {
            return;
        }
        String why = PROMTOOL + " (Debian's prometheus 2.42 package) is not installed";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            org.junit.jupiter.api.Assertions.fail(why + ", and CI=true requires it");
        }
        System.err.println("SKIPPED: " + why);
        assumeTrue(false, why);
    }

    @Test
    void promtoolChecksThePack() throws Exception {
        requirePromtool();
        Result r = promtool(PACK, "check", "rules", "flink.yml");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("SUCCESS: 8 rules found"), r.output());
    }

    @Test
    void promtoolPassesThePacksUnitTests() throws Exception {
        requirePromtool();
        Result r = promtool(PACK, "test", "rules", "flink_test.yml");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }
}
