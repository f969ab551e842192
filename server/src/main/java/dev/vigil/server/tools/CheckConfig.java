package dev.vigil.server.tools;

import dev.vigil.query.rules.GroupSpec;
import dev.vigil.query.rules.RuleFileException;
import dev.vigil.query.rules.RuleFiles;
import dev.vigil.server.cli.ConfigFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code check config FILE...}: promtool's check of a configuration file and the rule files it names, with
 * promtool's lines and exit codes (0 all valid, 1 any failure), judged by the loaders the server itself uses.
 */
public final class CheckConfig {
    private CheckConfig() {
    }

    /** Checks every file; results on {@code out}, failures on {@code err}. */
    public static int run(List<String> files, boolean syntaxOnly, PrintStream out, PrintStream err) {
        boolean failed = false;
        for (String f : files) {
            out.println("Checking " + f);
            List<Path> ruleFiles;
            long interval;
            try {
                ConfigFile.Loaded cfg = ConfigFile.load(Path.of(f));
                interval = cfg.evaluationIntervalMs();
                ruleFiles = ruleFiles(cfg.ruleFiles(), Path.of(f).getParent());
            } catch (IOException e) {
                failure(err, "parsing YAML file " + f + ": " + e.getMessage());
                out.println();
                failed = true;
                continue;
            } catch (IllegalArgumentException | RuleFileException e) {
                failure(err, e.getMessage());
                out.println();
                failed = true;
                continue;
            }
            if (!ruleFiles.isEmpty()) {
                out.println("  SUCCESS: " + ruleFiles.size() + " rule files found");
            }
            out.println(" SUCCESS: " + f + " is valid prometheus config file syntax");
            out.println();
            if (syntaxOnly) {
                continue;
            }
            for (Path rf : ruleFiles) {
                failed |= !checkRuleFile(rf, interval, out, err);
                out.println();
            }
        }
        return failed ? 1 : 0;
    }

    private static boolean checkRuleFile(Path rf, long interval, PrintStream out, PrintStream err) {
        out.println("Checking " + rf);
        try {
            List<GroupSpec> groups = RuleFiles.parse(Files.readString(rf), rf.toString(), interval);
            int rules = 0;
            for (GroupSpec g : groups) {
                rules += g.rules().size();
            }
            out.println("  SUCCESS: " + rules + " rules found");
            return true;
        } catch (IOException e) {
            err.println("  FAILED:");
            err.println("     " + rf + ": " + e.getMessage());
        } catch (RuleFileException e) {
            err.println("  FAILED:");
            err.println("     " + e.getMessage());
        }
        return false;
    }

    /**
     * The files the patterns match, each once, named as promtool names them: under the configuration file's folder
     * as given, so relative when the file was named by a relative path.
     */
    private static List<Path> ruleFiles(List<String> patterns, Path dir) throws RuleFileException {
        Set<Path> out = new LinkedHashSet<>();
        Path base = dir == null ? Path.of("") : dir;
        Path cwd = Path.of("").toAbsolutePath();
        for (String p : patterns) {
            for (Path f : RuleFiles.glob(p, base.toAbsolutePath())) {
                out.add(base.isAbsolute() ? f : cwd.relativize(f));
            }
        }
        return new ArrayList<>(out);
    }

    private static void failure(PrintStream err, String message) {
        err.println("  FAILED: " + message);
    }
}
