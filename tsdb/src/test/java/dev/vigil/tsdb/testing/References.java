package dev.vigil.tsdb.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference programs the comparison tests run ({@code prometheus}, {@code promtool},
 * {@code prometheus-pushgateway}, {@code victoria-metrics}, {@code chromium}, ...). A missing one
 * skips the test with a printed line saying so; under {@code CI=true} it fails the test instead,
 * so a build that was meant to compare never passes without comparing.
 */
public final class References {
    private static final String SCRIPT = "bench/scripts/install-references.sh installs it";
    private static final String BROWSER = "apt-get install chromium chromium-driver installs it; .ci/run does";
    /** How each program gets onto the machine, for the skip line. */
    private static final Map<String, String> HOW = Map.of(
            "prometheus", SCRIPT,
            "promtool", SCRIPT,
            "prometheus-pushgateway", SCRIPT,
            "prometheus-node-exporter", SCRIPT,
            "victoria-metrics", SCRIPT,
            "prometheus-alertmanager", SCRIPT,
            "chromium", BROWSER,
            "chromedriver", BROWSER);

    private References() {
    }

    /**
     * The path of {@code /usr/bin/<binary>}; when it is not there, skips the calling test (printing
     * why) or, with {@code CI=true} in the environment, fails it.
     */
    public static Path require(String binary) {
        Path p = Path.of("/usr/bin", binary);
        if (Files.isExecutable(p)) {
            return p;
        }
        unavailable(binary + " not installed (" + HOW.getOrDefault(binary, "install the Debian package that provides it") + ")");
        throw new AssertionError("unreachable");
    }

    /**
     * Something a test needs from the machine is missing ({@code why}): skips the calling test,
     * printing why, or with {@code CI=true} fails it. Never returns.
     */
    public static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true and " + why);
        }
        // Printed on the console, not only in the report, so a skipped comparison is never silent.
        System.out.println("SKIPPED " + caller() + ": " + why);
        System.out.flush();
        Assumptions.abort(why);
        throw new AssertionError("unreachable");
    }

    /** The test class and method that asked, as {@code Class.method}: the outermost frame of test code, below the runner's. */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> isTestCode(f.getClassName()) && !f.getMethodName().startsWith("lambda$"))
                .reduce((inner, outer) -> outer)
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .orElse("?"));
    }

    private static boolean isTestCode(String className) {
        return !className.equals(References.class.getName()) && !className.startsWith("org.junit.") && !className.startsWith("java.")
                && !className.startsWith("jdk.") && !className.startsWith("sun.") && !className.startsWith("org.apache.maven.");
    }
}
