package dev.vigil.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed while it holds a lock of the series registry file leaves that lock set in the
 * file; the next start must neither hang on it nor lose a series.
 */
class SeriesRegistryKillTest {
    @TempDir
    Path dir;

    @Test
    void aLockLeftInTheFileByAKilledProcessDoesNotHoldUpTheNextStart() throws Exception {
        Process p = start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", in.readLine(), "child did not take the lock");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        DbOptions o = DbOptions.builder(dir).clock(() -> RegistryLockHolder.T0).build();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Db db = Db.open(o)) {
                assertTrue(db.ready());
                try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    for (int s = 0; s < RegistryLockHolder.SERIES; s++) {
                        SeriesSet set = q.select(false, null, Matcher.eq("subtask_index", Integer.toString(s)));
                        assertTrue(set.next(), "series " + s + " missing");
                    }
                }
                // The locked series and a new one both go through the registry.
                Appender app = db.appender();
                app.append(0, RegistryLockHolder.labels(0), RegistryLockHolder.T0 + 10_000, 1);
                app.append(0, Labels.of("__name__", "new_after_kill"), RegistryLockHolder.T0 + 10_000, 1);
                app.commit();
            }
            // A clean close leaves a registry the next start keeps as it is.
            try (Db db = Db.open(o)) {
                assertEquals(RegistryLockHolder.SERIES + 1, db.stats().seriesRegistryEntries());
                assertEquals(0, db.stats().seriesRegistryMismatches());
            }
        });
    }

    private Process start() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Xmx")) {
                cmd.add(a);
            }
        }
        cmd.add("-Dchronicle.analytics.disable=true");
        cmd.add("-Dchronicle.announcer.disable=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RegistryLockHolder.class.getName());
        cmd.add(dir.toString());
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
