package dev.vigil.query.eval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every {@code promql/*.test} script; one dynamic test per evaluation. */
class PromqlScriptTest {
    static final String[] SCRIPTS = {
        "aggregators", "at_modifier", "collision", "functions", "histograms", "literals", "operators", "selectors",
        "staleness", "subquery", "trig_functions", "flink",
    };

    @TestFactory
    Stream<DynamicNode> scripts() throws IOException {
        List<DynamicNode> files = new ArrayList<>();
        String only = System.getProperty("promql.script");
        for (String name : SCRIPTS) {
            if (only != null && !only.equals(name)) {
                continue;
            }
            String text;
            try (InputStream in = PromqlScriptTest.class.getResourceAsStream("/promql/" + name + ".test")) {
                if (in == null) {
                    // A listed script that is gone must not pass as zero evaluations.
                    throw new AssertionError("promql/" + name + ".test is listed in SCRIPTS but missing from the test resources");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            files.add(container(name, text));
        }
        String extra = System.getProperty("promql.file");
        if (extra != null) {
            files.add(container(extra, Files.readString(Path.of(extra))));
        }
        return files.stream();
    }

    private static DynamicContainer container(String name, String text) {
        ScriptRunner runner = new ScriptRunner();
        List<DynamicTest> tests = new ArrayList<>();
        for (ScriptRunner.Step s : runner.parse(text)) {
            tests.add(DynamicTest.dynamicTest(name + ":" + s.line() + " " + s.text(), s.action()::run));
        }
        return DynamicContainer.dynamicContainer(name, tests);
    }
}
