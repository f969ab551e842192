package dev.vigil.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code java -jar vigil.jar test rules} and the real {@code promtool test rules} agree on the Flink
 * pack's tests and on deliberately failing ones: exit code, standard output, and the failure texts
 * on standard error (an input that does not parse only by its place, since the wording is the parser's).
 */
class RuleUnitTestsJarIT {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path PACK = Path.of("..", "docs", "rules").toAbsolutePath().normalize();
    private static final Path FAILING = Path.of("..", "query", "src", "test", "resources", "ruletest").toAbsolutePath().normalize();

    private record Run(int code, String out, String err) {
    }

    private static Run run(Path dir, List<String> cmd) throws Exception {
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd + " did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @ParameterizedTest
    @ValueSource(strings = {"flink_test.yml", "flink_failing_test.yml", "order_failing_test.yml", "passing_test.yml",
        "rule_error_test.yml", "flink_test.yml order_failing_test.yml passing_test.yml"})
    void jarAgreesWithPromtool(String files, @TempDir Path dir) throws Exception {
        if (!Files.isExecutable(PROMTOOL) && "true".equalsIgnoreCase(System.getenv("CI"))) {
            org.junit.jupiter.api.Assertions.fail(PROMTOOL + " is not installed, and CI=true requires it");
        }
        assumeTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " (Debian's prometheus package) is not installed");
        Path jar = Path.of(System.getProperty("vigil.jar", "target/vigil.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn package first");
        for (Path src : new Path[] {PACK, FAILING}) {
            try (Stream<Path> s = Files.list(src)) {
                for (Path f : s.filter(f -> f.toString().endsWith(".yml")).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        List<String> args = List.of(files.split(" "));
        List<String> prom = new ArrayList<>(List.of(PROMTOOL.toString(), "test", "rules"));
        prom.addAll(args);
        List<String> vigil = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "test", "rules"));
        vigil.addAll(args);
        Run p = run(dir, prom);
        Run v = run(dir, vigil);
        assertEquals(p.code(), v.code(), "exit code; promtool:\n" + p.err() + "\nvigil:\n" + v.err());
        assertEquals(p.out(), v.out());
        assertEquals(failures(p.err()), failures(v.err()));
    }

    private static String failures(String stderr) {
        StringBuilder sb = new StringBuilder();
        for (String line : stderr.split("\n", -1)) {
            sb.append(line.isEmpty() || line.startsWith(" ") ? line : "input error").append('\n');
        }
        return sb.toString();
    }
}
