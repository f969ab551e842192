package dev.vigil.tsdb.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes a file's blocks on the device before the file is mapped for writing. A store through a
 * mapping onto a page the file system cannot back (a hole of a sparse file, on a full disk) is
 * a SIGBUS that the JVM may not survive; a failed reservation is an ordinary IOException.
 *
 * <p>{@code fallocate(2)} (through the POSIX binding Chronicle Map ships with, the same call it
 * makes for its own file) takes the space without writing it and also fills holes left by an
 * older sparse file; where it is not available or fails, zeros are written from the file's end
 * (a full disk then fails that write with ENOSPC).
 */
final class SpaceReservation {
    private static final Logger LOG = Logger.getLogger(SpaceReservation.class.getName());
    private static final int O_RDWR = 2;
    private static volatile boolean nativeFailed;

    private SpaceReservation() {
    }

    /** Makes bytes [0, size) of the file open as {@code ch} (named {@code path}) backed by real blocks. */
    static void reserve(FileChannel ch, Path path, long size) throws IOException {
        long had = ch.size();
        if (!nativeFailed) {
            int rc;
            try {
                rc = fallocate(path, size);
            } catch (RuntimeException | LinkageError e) {
                nativeFailed = true;
                LOG.log(Level.FINE, "fallocate unavailable; reserving file space by writing zeros", e);
                rc = Integer.MIN_VALUE;
            }
            if (rc == 0) {
                return;
            }
            if (rc != Integer.MIN_VALUE) {
                // No space, or a file system without fallocate: writing zeros tells which.
                undo(ch, had);
            }
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(1, size - had)));
        long at = had;
        try {
            while (at < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                while (zeros.hasRemaining()) {
                    at += ch.write(zeros, at);
                }
            }
        } catch (IOException e) {
            undo(ch, had);
            IOException full = noSpace(path, size - had, e.getMessage());
            full.addSuppressed(e);
            throw full;
        }
    }

    /** 0 on success, -1 (or an error number) on failure, Integer.MIN_VALUE when there is no native call. */
    private static int fallocate(Path path, long size) {
        net.openhft.posix.PosixAPI posix = net.openhft.posix.PosixAPI.posix();
        if (!posix.getClass().getName().contains(".jnr.")) {
            nativeFailed = true; // the no-op fallback answers 0 without taking anything
            return Integer.MIN_VALUE;
        }
        int fd = posix.open(path.toAbsolutePath().toString(), O_RDWR, 0);
        if (fd < 0) {
            return Integer.MIN_VALUE;
        }
        try {
            return posix.fallocate(fd, 0, 0, size);
        } finally {
            posix.close(fd);
        }
    }

    private static void undo(FileChannel ch, long had) {
        try {
            ch.truncate(had);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not cut a file back after a failed reservation", e);
        }
    }

    private static IOException noSpace(Path path, long bytes, String why) {
        String free;
        try {
            free = ", " + java.nio.file.Files.getFileStore(path).getUsableSpace() + " bytes free";
        } catch (IOException | RuntimeException e) {
            free = "";
        }
        return new IOException("No space left on device: cannot reserve " + bytes + " bytes for " + path + free + " (" + why + ")");
    }
}
