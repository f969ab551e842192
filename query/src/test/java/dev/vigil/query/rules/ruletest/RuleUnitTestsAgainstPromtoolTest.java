package dev.vigil.query.rules.ruletest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vigil's {@code test rules} and the real promtool 2.42 agree on the Flink pack's tests and on
 * deliberately failing ones: the same exit code, the same standard output, and the same failure
 * texts (which cases fail, with what was expected and what came out).
 */
class RuleUnitTestsAgainstPromtoolTest {
    private static final String[] RESOURCES = {"flink_failing_test.yml", "order.yml", "order_failing_test.yml", "passing_test.yml",
        "err.yml", "rule_error_test.yml"};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"flink_test.yml", "flink_failing_test.yml", "order_failing_test.yml", "passing_test.yml",
        "rule_error_test.yml"})
    void agreesWithPromtool(String file) throws Exception {
        FlinkRulePackTest.requirePromtool();
        Files.copy(FlinkRulePackTest.PACK.resolve("flink.yml"), dir.resolve("flink.yml"));
        Files.copy(FlinkRulePackTest.PACK.resolve("flink_test.yml"), dir.resolve("flink_test.yml"));
        for (String r : RESOURCES) {
            try (InputStream in = getClass().getResourceAsStream("/ruletest/" + r)) {
                Files.copy(in, dir.resolve(r), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Process p = new ProcessBuilder(FlinkRulePackTest.PROMTOOL.toString(), "test", "rules", file).directory(dir.toFile()).start();
        byte[] promErr = p.getErrorStream().readAllBytes();
        String promOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RuleUnitTests.run(List.of(dir.resolve(file).toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(p.exitValue(), code, "exit code; promtool said:\n" + new String(promErr, StandardCharsets.UTF_8));
        assertEquals(promOut.replace(file, "FILE"), out.toString(StandardCharsets.UTF_8).replace(dir.resolve(file).toString(), "FILE"));
        assertEquals(failures(new String(promErr, StandardCharsets.UTF_8)), failures(err.toString(StandardCharsets.UTF_8)));
    }

    /**
     * The failure texts as printed. A line that does not start with a space is an input error
     * (a value that does not parse), not a case's comparison: only that it is there must agree,
     * since its wording is the parser's.
     */
    private static List<String> failures(String stderr) {
        List<String> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            out.add(line.startsWith(" ") ? line : "input error");
        }
        return out;
    }
}
