package dev.vigil.tsdb.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a running Prometheus is recognised: a flock on its lock file, or (without one) its WAL held open. */
class PromLockTest {
    @TempDir
    Path dir;

    @Test
    void theHolderOfAFlockIsFoundByInode() {
        List<String> procLocks = List.of(
                "1: POSIX  ADVISORY  WRITE 100 fe:00:777 0 EOF",
                "2: -> FLOCK  ADVISORY  WRITE 300 fe:00:4242 0 EOF",
                "3: FLOCK  ADVISORY  WRITE 200 fe:00:4242 0 EOF");
        assertEquals("200", PromLock.holder(procLocks, 4242));
        assertNull(PromLock.holder(procLocks, 4243));
    }

    @Test
    void aFolderWithNeitherLockNorOpenWalIsFree() throws Exception {
        Files.createDirectories(dir.resolve("wal"));
        Files.createFile(dir.resolve("lock"));
        assertNull(PromLock.inUse(dir));
    }

    /** Real processes: {@code flock(1)} takes the lock as Prometheus does (and execs, so the holder is the child we
     * started); a shell keeps a WAL segment open. */
    @Test
    void aRealFlockAndAnOpenWalAreSeen() throws Exception {
        Files.createDirectories(dir.resolve("wal"));
        Files.createFile(dir.resolve("wal").resolve("00000000"));
        Process shell = new ProcessBuilder("sh", "-c", "exec 3>>wal/00000000; sleep 60").directory(dir.toFile()).start();
        try {
            String why = null;
            for (int i = 0; i < 100 && why == null; i++) {
                Thread.sleep(50);
                why = PromLock.inUse(dir);
            }
            assertEquals("process " + shell.pid() + " has its WAL open", why);
        } finally {
            shell.destroy();
            shell.waitFor(5, TimeUnit.SECONDS);
        }
        Files.createFile(dir.resolve("lock"));
        Process flock = new ProcessBuilder("flock", "--no-fork", "-x", "lock", "sleep", "60").directory(dir.toFile()).start();
        try {
            String why = null;
            for (int i = 0; i < 100 && why == null; i++) {
                Thread.sleep(50);
                why = PromLock.inUse(dir);
            }
            assertEquals("its lock file is held by process " + flock.pid(), why);
        } finally {
            flock.destroy();
            flock.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
