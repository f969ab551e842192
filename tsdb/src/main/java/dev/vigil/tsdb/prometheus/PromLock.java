package dev.vigil.tsdb.prometheus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a running Prometheus holds its data folder. With a lock file (upstream's default; Debian's package needs
 * {@code --storage.tsdb.use-lockfile}), Prometheus takes a {@code flock(2)} on {@code <dir>/lock} while it runs and
 * removes the file when it stops cleanly (a killed one leaves the file, unlocked). Java's file locks are POSIX record
 * locks, which do not see a {@code flock} on Linux, so the holder is looked up in {@code /proc/locks} by the lock
 * file's inode. Without a lock file, a process with a file of {@code <dir>/wal/} open (a running Prometheus always
 * has its current segment open) is taken as the holder, as far as {@code /proc} lets us see.
 */
public final class PromLock {
    private PromLock() {
    }

    /**
     * Why the folder is taken to be in use ("its lock file is held by process 42", "process 42 has its WAL open"), or
     * null when it is not.
     */
    public static String inUse(Path dir) throws IOException {
        Path lock = dir.resolve("lock");
        String pid = Files.exists(lock) ? holder(dir) : null;
        if (pid != null) {
            return "its lock file is held by process " + pid;
        }
        pid = walWriter(dir);
        return pid == null ? null : "process " + pid + " has its WAL open";
    }

    /**
     * The process ID holding a lock on {@code dir/lock}, "unknown" when held but the holder is not known, or null when
     * the file is missing or not locked.
     */
    static String holder(Path dir) throws IOException {
        Path lock = dir.resolve("lock");
        Path procLocks = Path.of("/proc/locks");
        if (Files.isReadable(procLocks)) {
            Object ino = Files.getAttribute(lock, "unix:ino");
            return holder(Files.readAllLines(procLocks), ((Number) ino).longValue());
        }
        // Elsewhere, a POSIX lock attempt is the best check there is (on BSDs and macOS it does meet flock).
        try (var ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.READ)) {
            var l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return "unknown";
            }
            l.release();
            return null;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return "unknown";
        }
    }

    /**
     * The holder in {@code /proc/locks} lines such as {@code 1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF}
     * (the device is left aside: overlay file systems show another one than {@code stat} does).
     */
    static String holder(List<String> procLocks, long inode) {
        for (String line : procLocks) {
            String[] f = line.trim().split("\\s+");
            // Blocked waiters show as "1: -> FLOCK ..."; only granted locks count.
            if (f.length < 6 || f[1].equals("->")) {
                continue;
            }
            String[] dev = f[5].split(":");
            if (dev.length == 3 && dev[2].equals(Long.toString(inode))) {
                return f[4];
            }
        }
        return null;
    }

    /** The ID of a process with a file under {@code dir/wal/} open, or null when none is seen. */
    static String walWriter(Path dir) {
        Path proc = Path.of("/proc");
        Path wal;
        try {
            wal = dir.resolve("wal").toRealPath();
        } catch (IOException e) {
            return null;
        }
        String self = Long.toString(ProcessHandle.current().pid());
        try (var pids = Files.list(proc)) {
            for (Path p : pids.toList()) {
                String pid = p.getFileName().toString();
                if (!pid.chars().allMatch(Character::isDigit) || pid.equals(self)) {
                    continue;
                }
                try (var fds = Files.list(p.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        try {
                            if (Files.readSymbolicLink(fd).startsWith(wal)) {
                                return pid;
                            }
                        } catch (IOException | UnsupportedOperationException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process, or gone: not visible
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
