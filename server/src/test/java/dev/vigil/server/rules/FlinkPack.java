package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;

/** The Flink rule pack docs/rules/flink.yml, as shipped or with the restart window shortened for tests. */
final class FlinkPack {
    static final Path FILE = Path.of("..", "docs", "rules", "flink.yml");
    private static final String RESTART_WINDOW = "increase(flink_jobmanager_job_numRestarts[5m])";

    private FlinkPack() {
    }

    /**
     * The pack with FlinkJobRestarting's window cut from 5m to {@code window}: a restart stays in a
     * 5m window for 5 minutes, too long for a test to wait for the resolution. Every other rule is
     * loaded as shipped.
     */
    static String withRestartWindow(String window) throws Exception {
        String pack = Files.readString(FILE);
        String derived = pack.replace(RESTART_WINDOW, "increase(flink_jobmanager_job_numRestarts[" + window + "])");
        assertNotEquals(pack, derived, "FlinkJobRestarting no longer reads " + RESTART_WINDOW + " in " + FILE);
        return derived;
    }

    /**
     * Writes {@code pack} as flink.yml and {@code vigil.yml} loading it, evaluated every second,
     * with external label dc=test and {@code tail} appended; returns the config.
     */
    static Path writeConfig(Path dir, String pack, String tail) throws Exception {
        Files.writeString(dir.resolve("flink.yml"), pack);
        Path config = dir.resolve("vigil.yml");
        Files.writeString(config, """
                global:
                  evaluation_interval: 1s
                  external_labels: {dc: test}
                rule_files: [flink.yml]
                """ + tail);
        return config;
    }
}
