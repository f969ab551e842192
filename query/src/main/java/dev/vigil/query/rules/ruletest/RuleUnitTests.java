package dev.vigil.query.rules.ruletest;

import dev.vigil.query.rules.GroupSpec;
import dev.vigil.query.rules.RuleFileException;
import dev.vigil.query.rules.RuleFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code test rules FILE...}: runs rule unit-test files in promtool's format and prints what
 * promtool prints ("Unit Testing:  FILE", then SUCCESS, or FAILED: and each failure).
 */
public final class RuleUnitTests {
    private RuleUnitTests() {
    }

    /** Runs every file; returns the exit code: 0 when all passed, 1 otherwise. */
    public static int run(List<String> files, PrintStream out, PrintStream err) {
        boolean failed = false;
        for (String f : files) {
            out.println("Unit Testing:  " + f);
            List<String> errs = runFile(Path.of(f));
            if (errs.isEmpty()) {
                out.println("  SUCCESS");
            } else {
                err.println("  FAILED:");
                for (String e : errs) {
                    err.println(e);
                    out.println();
                }
                failed = true;
            }
            out.println();
        }
        out.flush();
        err.flush();
        return failed ? 1 : 0;
    }

    /** The failures of one file, empty when it passes. */
    static List<String> runFile(Path file) {
        UnitTestFile u;
        try {
            u = UnitTestFile.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of("open " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return List.of(String.valueOf(e.getMessage()));
        }
        Path base = file.toAbsolutePath().getParent();
        List<GroupSpec> specs;
        try {
            specs = new ArrayList<>(RuleFiles.load(u.ruleFiles(), base, u.evaluationIntervalMs()));
        } catch (RuleFileException e) {
            return List.of("    " + e.getMessage());
        }
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < u.groupEvalOrder().size(); i++) {
            if (order.putIfAbsent(u.groupEvalOrder().get(i), i) != null) {
                return List.of("group name repeated in evaluation order: " + u.groupEvalOrder().get(i));
            }
        }
        for (String g : order.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(g))) {
                return List.of("group \"" + g + "\" in the evaluation order is not in the rule files");
            }
        }
        // promtool sorts by the position in group_eval_order; groups not listed count as 0.
        specs.sort(Comparator.comparingInt(s -> order.getOrDefault(s.name(), 0)));
        List<String> errs = new ArrayList<>();
        for (UnitTestFile.TestGroup tg : u.tests()) {
            try {
                errs.addAll(new TestGroupRun(tg, specs, u.evaluationIntervalMs()).run());
            } catch (IOException | RuntimeException e) {
                // As promtool: a test group whose input cannot be loaded fails with the bare reason.
                errs.add(String.valueOf(e.getMessage()));
            }
        }
        return errs;
    }
}
