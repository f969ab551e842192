package dev.vigil.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.MainAccess;
import dev.vigil.tsdb.testing.References;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil check config} against the real {@code promtool check config} (2.42) on the same files: the same exit
 * code, the same lines on stdout (Checking / SUCCESS), and a FAILED on stderr exactly when promtool prints one.
 */
class CheckConfigCommandTest {
    @TempDir
    Path dir;
    private Path promtool;

    @BeforeEach
    void files() throws Exception {
        promtool = References.require("promtool");
        write("rules.yml", """
                groups:
                  - name: flink
                    rules:
                      - record: job:up:sum
                        expr: sum by (job) (up)
                      - alert: Down
                        expr: up == 0
                        for: 5m
                  - name: more
                    rules:
                      - record: x:y
                        expr: vector(1)
                """);
        write("more.rules.yml", """
                groups:
                  - name: g
                    rules:
                      - alert: A
                        expr: absent(up)
                """);
        write("badexpr.rules", """
                groups:
                  - name: g
                    rules:
                      - record: a:b
                        expr: sum(up
                """);
        write("badfield.rules", """
                groups:
                  - name: g
                    rules:
                      - record: a:b
                        expr: up
                        severity: high
                """);
        write("good.yml", """
                global:
                  scrape_interval: 15s
                  evaluation_interval: 30s
                rule_files:
                  - rules.yml
                  - "*.rules.yml"
                  - nothing-matches-*.yml
                scrape_configs:
                  - job_name: vigil
                    static_configs:
                      - targets: ['127.0.0.1:9090']
                """);
        write("norules.yml", "global:\n  scrape_interval: 15s\n");
        write("badyaml.yml", "global:\n  scrape_interval: [\n");
        write("unknown.yml", "globall:\n  x: 1\n");
        write("badduration.yml", "global:\n  scrape_interval: 5x\n");
        write("cfg-badexpr.yml", "rule_files:\n  - badexpr.rules\n  - rules.yml\n");
        write("cfg-badfield.yml", "rule_files:\n  - badfield.rules\n");
    }

    private void write(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void validConfigsAndTheirRuleFiles() throws Exception {
        Result r = same("good.yml");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("  SUCCESS: 2 rule files found\n"), r.out);
        assertTrue(r.out.contains("  SUCCESS: 3 rules found\n\nChecking " + dir.resolve("more.rules.yml") + "\n  SUCCESS: 1 rules found\n"), r.out);
        assertEquals(0, same("norules.yml").code);
    }

    @Test
    void aRelativePathNamesTheRuleFilesRelatively() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        String rel = cwd.relativize(dir.resolve("good.yml")).toString();
        Result want = promtool(List.of(rel));
        Result got = vigil(List.of(rel));
        assertEquals(0, want.code, want.err);
        assertEquals(want.out, got.out);
        assertEquals(want.code, got.code, got.err);
        assertTrue(got.out.contains("Checking " + cwd.relativize(dir.resolve("rules.yml")) + "\n"), got.out);
    }

    @Test
    void badConfigsFail() throws Exception {
        for (String f : List.of("badyaml.yml", "unknown.yml", "badduration.yml")) {
            assertEquals(1, same(f).code, f);
        }
    }

    @Test
    void badRuleFilesFailAfterTheConfigsSuccess() throws Exception {
        Result r = same("cfg-badexpr.yml");
        assertEquals(1, r.code);
        assertTrue(r.out.contains(" SUCCESS: " + dir.resolve("cfg-badexpr.yml") + " is valid prometheus config file syntax\n"), r.out);
        assertEquals(1, same("cfg-badfield.yml").code);
    }

    @Test
    void severalFilesFailWhenAnyFails() throws Exception {
        assertEquals(1, same("good.yml", "unknown.yml").code);
        assertEquals(0, same("good.yml", "norules.yml").code);
    }

    /** Both tools' results on the files; fails unless they agree. */
    private Result same(String... names) throws Exception {
        List<String> files = new ArrayList<>();
        for (String n : names) {
            files.add(dir.resolve(n).toString());
        }
        Result want = promtool(files);
        Result got = vigil(files);
        String where = String.join(" ", names) + "\npromtool:\n" + want.out + want.err + "\nvigil:\n" + got.out + got.err;
        assertEquals(want.code, got.code, where);
        assertEquals(want.out, got.out, where);
        assertEquals(want.err.contains("FAILED"), got.err.contains("FAILED"), where);
        assertEquals(count(want.err, "FAILED"), count(got.err, "FAILED"), where);
        return got;
    }

    private static int count(String s, String what) {
        return s.split(what, -1).length - 1;
    }

    private Result promtool(List<String> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "check", "config"));
        cmd.addAll(files);
        Path o = dir.resolve("promtool.out");
        Path e = dir.resolve("promtool.err");
        Process p = new ProcessBuilder(cmd).directory(Path.of("").toAbsolutePath().toFile()).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
        return new Result(p.exitValue(), Files.readString(o), Files.readString(e));
    }

    private Result vigil(List<String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("check", "config"));
        args.addAll(files);
        int code = MainAccess.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {
    }
}
