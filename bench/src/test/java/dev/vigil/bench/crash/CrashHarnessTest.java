package dev.vigil.bench.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short crash run: the real server (same classes as vigil.jar) in a child process, killed
 * with SIGKILL three times while four clients push, replace, delete, remote-write and import;
 * after every restart nothing acknowledged is lost and nothing unsent appears.
 */
class CrashHarnessTest {
    @Test
    void acknowledgedWritesAndDeletesSurviveKill9() throws Exception {
        // Under target/, so the server's log stays for a look after a failure.
        Path dir = Files.createDirectories(Path.of("target", "crash-harness-test"));
        try (var old = Files.walk(dir)) {
            old.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // The module flags the jar's manifest carries (Add-Opens, Add-Exports), as this JVM got them.
        List<String> launch = new java.util.ArrayList<>();
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                launch.add(a);
            }
        }
        launch.addAll(List.of("-cp", cp, "dev.vigil.server.Main"));
        CrashRun.Result r = CrashRun.run(new CrashRun.Config(launch, dir.resolve("data"), 3, 4,
                1_000, 4_000, 42, System.out));
        System.out.println(r);
        r.problems().forEach(p -> System.out.println("  " + p));
        assertEquals(3, r.kills());
        assertTrue(r.acknowledged() > 20, r.toString());
        assertTrue(r.finalSamples() > 20, r.toString());
        assertTrue(r.clean(), r + "\n" + String.join("\n", r.problems()));
    }
}
